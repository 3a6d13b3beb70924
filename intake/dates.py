"""The day a claim was made, from the words around its attribution and the story's date
(docs/intake.md, "Dates").

Wire copy dates by weekday ("said on Tuesday" in a story of Wednesday 15 May 2024 is 14 May), by
"yesterday"/"overnight", or by day and month. A weekday means the latest such day on or before the
story's date; a day and month after it means the year before.
"""

from __future__ import annotations

import datetime as dt
import re

WEEKDAYS = {
    "en": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    # Ukrainian and Russian weekdays as they follow "у"/"в" and "на" (the accusative), and as named.
    # "серед"/"среди" also mean "among": Wednesday is spelled out.
    # With their adjectives: "у недільному зверненні", "в пятничном обращении".
    "uk": ["понеділ", "вівтор", "середу|середа|середи|середов", "четвер", "п.ятниц|п.ятничн", "субот", "неділ"],
    "ru": ["понедельник", "вторник", "среду|среда|среды|средов", "четверг", "пятниц|пятничн", "суббот", "воскрес"],
}
MONTHS = {
    "en": [
        "jan(?:uary|\\.)?",
        "feb(?:ruary|\\.)?",
        "march|mar\\.",
        "april|apr\\.",
        "may",
        "june?",
        "july?",
        "aug(?:ust|\\.)?",
        "sept?(?:ember|\\.)?",
        "oct(?:ober|\\.)?",
        "nov(?:ember|\\.)?",
        "dec(?:ember|\\.)?",
    ],
    "uk": ["січн", "лют", "берез", "квітн", "травн", "червн", "липн", "серпн", "верес", "жовтн", "листопад", "грудн"],
    "ru": [
        "январ",
        "феврал",
        "март",
        "апрел",
        "ма[яй]",
        "июн",
        "июл",
        "август",
        "сентябр",
        "октябр",
        "ноябр",
        "декабр",
    ],
}
DAY_BEFORE = {
    "en": r"\byesterday\b|\bthe day before\b|\ba day earlier\b|\bthe previous day\b|\bon the eve\b",
    "uk": r"\bвчора\b|\bучора\b|\bнапередодні\b",
    "ru": r"\bвчера\b|\bнакануне\b",
}
SAME_DAY = {
    "en": r"\btoday\b|\bovernight\b|\blast night\b|\bthis (?:morning|afternoon|evening)\b|\btonight\b",
    "uk": r"\bсьогодні\b|\bвночі\b|\bцього ранку\b|\bзранку\b",
    "ru": r"\bсегодня\b|\bночью\b|\bэтим утром\b|\bутром\b",
}
LETTER = r"[^\W\d_]"


def _weekday_pattern(language: str) -> re.Pattern[str]:
    stems = "|".join(f"(?P<d{index}>{stem})" for index, stem in enumerate(WEEKDAYS[language]))
    return re.compile(rf"(?<!{LETTER})(?:{stems}){LETTER}*", re.IGNORECASE)


def _day_month_pattern(language: str) -> re.Pattern[str]:
    # English months are whole words (so "mayor" is no month); Ukrainian and Russian ones are inflected.
    ending = "" if language == "en" else f"{LETTER}*\\.?"
    months = "|".join(f"(?P<m{index}>{stem}){ending}" for index, stem in enumerate(MONTHS[language]))
    return re.compile(
        rf"(?<!\d)(?P<day1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:{months})(?!{LETTER})"
        rf"|(?<!{LETTER})(?:{months.replace('?P<m', '?P<n')})\s+(?P<day2>\d{{1,2}})(?!\d)",
        re.IGNORECASE,
    )


PATTERNS = {
    language: (
        _weekday_pattern(language),
        _day_month_pattern(language),
        re.compile(DAY_BEFORE[language], re.IGNORECASE),
        re.compile(SAME_DAY[language], re.IGNORECASE),
    )
    for language in WEEKDAYS
}


def day_named(words: str, published: dt.date, language: str) -> dt.date | None:
    """The day the words name (the first one they name), or None when they name none."""
    weekday, day_month, day_before, same_day = PATTERNS[language]
    found: list[tuple[int, dt.date]] = []
    for match in weekday.finditer(words):
        index = next(int(name[1:]) for name, value in match.groupdict().items() if value)
        back = (published.weekday() - index) % 7
        found.append((match.start(), published - dt.timedelta(days=back)))
    for match in day_month.finditer(words):
        groups = {name: value for name, value in match.groupdict().items() if value}
        month = next(int(name[1:]) for name in groups if name[0] in "mn") + 1
        day = int(groups.get("day1") or groups["day2"])
        try:
            named = dt.date(published.year, month, day)
        except ValueError:
            continue
        if named > published:  # "on 28 December" in a story of January
            try:
                named = named.replace(year=named.year - 1)
            except ValueError:
                continue
        found.append((match.start(), named))
    found += [(match.start(), published - dt.timedelta(days=1)) for match in day_before.finditer(words)]
    found += [(match.start(), published) for match in same_day.finditer(words)]
    return min(found)[1] if found else None
