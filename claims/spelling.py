"""Names and places arrive in three scripts and many spellings (Robotyne, Роботине, Работино; Nykyforov,
Nikiforov, Никифоров): what the desk searches for besides what was typed (docs/architecture.md,
"Every spelling").

Cyrillic is romanised by the Ukrainian and the Russian national conventions (cyrtranslit), so
"Роботине" finds "Robotyne" and "Путин" finds "Vladimir Putin". The way back is not done by rule
("Kharkiv" is not "Кгарків"): names are compared in Latin letters, and near spellings of claimants'
names are matched by similarity (rapidfuzz) against their names, aliases and romanisations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import cyrtranslit
from rapidfuzz import fuzz, process

# Ukrainian first: the desk's places and most of its people are Ukrainian.
CONVENTIONS = ("ua", "ru")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# How alike two names, or a name and one word of another, must be (0 to 100) for the typeahead to offer one
# for the other: "Nikiforov" for "Serhiy Nykyforov" (78), "Blinkin" for "Antony Blinken" (86).
NEAR = 75
# How alike a searched word and a word of the desk's claims must be for "did you mean": "Работино", read
# the Ukrainian way as "rabotyno", and "Robotyne" score 75.
CLOSE_WORD = 70
LETTERS = re.compile(r"[^\W\d_]+")  # a word: letters of any script, no digits
SHORTEST_GUESSED = 4  # shorter words are too alike to guess at ("war", "was")
SHORTEST_INDEXED, LONGEST_INDEXED = 4, 40  # the words SearchWord keeps (claims/models.py, SEARCH_WORDS_ADD)
# Romanisations mostly disagree about vowels (Rabotino, Robotyne; Nikiforov, Nykyforov), so words are also
# compared with every vowel the same; such a match counts for less than one letter for letter.
VOWELS = re.compile(r"[aeiouy]")
SAME_CONSONANTS, CONSONANTS_WEIGHT = 90, 0.85


def variants(text: str) -> list[str]:
    """What was typed, then (when it has Cyrillic in it) its romanisations, each once."""
    found = [text]
    if CYRILLIC.search(text):
        for convention in CONVENTIONS:
            latin = cyrtranslit.to_latin(text, convention).replace("'", "")
            if not CYRILLIC.search(latin):  # a letter the other convention lacks stays Cyrillic
                found.append(latin)
    return list(dict.fromkeys(spelling for spelling in found if spelling.strip()))


def latin_forms(text: str) -> list[str]:
    """The text in Latin letters, lower case, by each convention (once when it is Latin already)."""
    if not CYRILLIC.search(text):
        return [text.lower()]
    return list(dict.fromkeys(cyrtranslit.to_latin(text, c).replace("'", "").lower() for c in CONVENTIONS))


class NameIndex:
    """Names, each with its other spellings, in Latin letters: whole, and word by word. Built once for
    a registry and asked many times (the typeahead asks at every pause in typing)."""

    def __init__(self, names: dict[str, list[str]]):
        self.whole = {
            (name, form): form
            for name, spellings in names.items()
            for spelling in [name, *spellings]
            for form in latin_forms(spelling)
        }
        self.words = {
            (name, form, index): word
            for (name, form) in self.whole
            for index, word in enumerate(form.split())
            if len(word) > 2
        }

    def nearest(self, typed: str, *, limit: int, leave_out: Iterable[str] = ()) -> list[str]:
        """The names most like what was typed, best first, but those in `leave_out`."""
        best: dict[str, float] = {}
        for form in latin_forms(typed):
            for choices, scorer in ((self.whole, fuzz.WRatio), (self.words, fuzz.ratio)):
                for _, score, key in process.extract(form, choices, scorer=scorer, score_cutoff=NEAR, limit=None):
                    best[key[0]] = max(score, best.get(key[0], 0))
        for name in leave_out:
            best.pop(name, None)
        return sorted(best, key=lambda name: (-best[name], name))[:limit]


class WordIndex:
    """The words of the desk's claims, each under its Latin spellings: what a search that found nothing
    suggests instead ("Did you mean robotyne?"). Built once and grown as words are added."""

    def __init__(self) -> None:
        self.words: dict[str, str] = {}  # Latin spelling -> the word as the claims have it
        self.consonants: dict[str, str] = {}  # the same, every vowel an "a"

    def add(self, words: Iterable[str]) -> None:
        for word in words:
            if LETTERS.fullmatch(word):
                for form in latin_forms(word):
                    self.words.setdefault(form, word)
                    self.consonants.setdefault(VOWELS.sub("a", form), word)

    def has_every_word(self, text: str) -> bool:
        """Whether each word of `text` long enough to be indexed is one of the desk's, in some spelling."""
        return all(
            any(form in self.words for form in latin_forms(word))
            for word in LETTERS.findall(text)
            if SHORTEST_INDEXED <= len(word) <= LONGEST_INDEXED
        )

    def closest(self, word: str) -> str | None:
        """The desk's word nearest to `word`: None when `word` is one of them or none is near."""
        forms = latin_forms(word)
        if any(form in self.words for form in forms):
            return None
        best: tuple[str, float] | None = None
        for form in forms:
            for words, skeleton, cutoff, weight in (
                (self.words, form, CLOSE_WORD, 1.0),
                (self.consonants, VOWELS.sub("a", form), SAME_CONSONANTS, CONSONANTS_WEIGHT),
            ):
                found = process.extractOne(skeleton, words.keys(), scorer=fuzz.ratio, score_cutoff=cutoff)
                if found and (best is None or found[1] * weight > best[1]):
                    best = (words[found[0]], found[1] * weight)
        return best[0] if best else None

    def suggestion(self, query: str) -> str | None:
        """`query` with each word the desk does not have replaced by its nearest one; None when there
        is nothing to replace."""
        changed = False

        def nearest(match: re.Match[str]) -> str:
            nonlocal changed
            word = match.group(0)
            closest = self.closest(word) if len(word) >= SHORTEST_GUESSED else None
            changed = changed or closest is not None
            return closest or word

        suggested = LETTERS.sub(nearest, query)
        return suggested if changed else None
