"""A story as sentences: which language, where each sentence starts and ends, and which words are
quoted (docs/intake.md, "Reading a story").

English sentences are split by pysbd, Ukrainian and Russian ones by razdel (both rule-based, no model to
download). Both split inside a quotation that runs over several sentences; such sentences are joined
again here, since a quote and the speech tag after it ("…. …," he said.) make one claim.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import pysbd
import razdel

CYRILLIC_LETTER = re.compile(r"[а-яёіїєґ]", re.IGNORECASE)
LATIN_LETTER = re.compile(r"[a-z]", re.IGNORECASE)
UKRAINIAN_ONLY = re.compile(r"[іїєґ]", re.IGNORECASE)
RUSSIAN_ONLY = re.compile(r"[ыэъё]", re.IGNORECASE)

# Quotation marks: pairs that open and close differently, and those that are their own pair.
OPENING = {"“": "”", "«": "»", "„": "“", "‘": "’"}
SAME_BOTH_WAYS = '"'
QUOTED = re.compile(r"“[^”]*”|«[^»]*»|„[^“”]*[“”]|\"[^\"]*\"")

# A dateline before the first sentence: "KYIV, May 15 (wire) - ", "MOSCOW (Reuters) — ", "Київ, 15 травня –".
DATELINE = re.compile(
    r"""^\s*(?P<place>[^\W\d_][^\W\d_ .'’/-]*(?:[ .'’/-]+[^\W\d_]+){0,3})
        (?P<date>,[^\n()–—-]{1,30}?)?\s*
        (?P<agency>\([^()\n]{1,40}\))?\s*
        [-–—]{1,2}\s+""",
    re.VERBOSE,
)
SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")
# Characters that show as nothing in a pasted story (zero-width spaces and joiners, direction marks, the
# byte-order mark): they would split words the rules look for. Only the story loses them; what a person
# types into a form is kept as typed.
INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
STRAY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# A quotation that never closes is not joined past this many characters.
LONGEST_QUOTE = 3_000


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offsets into the story's text
    end: int
    paragraph: int  # the paragraph's number: pronouns look back only so far


def language_of(text: str) -> str:
    """ "uk", "ru" or "en": Cyrillic stories are told apart by the letters only one of the two has."""
    cyrillic, latin = len(CYRILLIC_LETTER.findall(text)), len(LATIN_LETTER.findall(text))
    if cyrillic <= latin:
        return "en"
    # Ukrainian has і, ї or є in almost every sentence; Russian may go a while without ы, э, ъ or ё.
    return "uk" if len(UKRAINIAN_ONLY.findall(text)) > len(RUSSIAN_ONLY.findall(text)) else "ru"


def dateline_end(text: str, *, place: str = "") -> int:
    """Where the story proper starts, after a dateline ("KYIV, May 15 (wire) - "), or 0 without one.

    A dateline is a place in capitals, or a place followed by a date or an agency in brackets, then a
    dash: so "Russia - which …" is not mistaken for one. Or the `place` the story was filed from, as
    given with it ("Kyiv - …").
    """
    found = DATELINE.match(text)
    if not found:
        return 0
    named = found["place"]
    given = bool(place) and named.lower() == place.strip().lower()
    if named.upper() == named or found["date"] or found["agency"] or given:
        return found.end()
    return 0


@cache
def _english_splitter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


# pysbd's time grows with the square of a paragraph's length; wire paragraphs are a few hundred characters,
# and a longer run of text is cut first, after a full stop, into pieces of about this size.
PIECE = 2_000


def _pieces(paragraph: str) -> list[tuple[int, str]]:
    """The paragraph as (offset, text) pieces of about PIECE characters, each ending after ". "."""
    pieces, start = [], 0
    while len(paragraph) - start > PIECE:
        cut = paragraph.rfind(". ", start, start + PIECE)
        if cut <= start:  # no full stop: at a space, so no word is cut in two
            cut = paragraph.rfind(" ", start, start + PIECE)
        cut = cut + (2 if paragraph[cut : cut + 2] == ". " else 1) if cut > start else start + PIECE
        pieces.append((start, paragraph[start:cut]))
        start = cut
    pieces.append((start, paragraph[start:]))
    return pieces


def _split(paragraph: str, language: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in a paragraph."""
    if language == "en":
        spans = [
            (offset + span.start, offset + span.end)
            for offset, piece in _pieces(paragraph)
            for span in _english_splitter().segment(piece)
        ]
    else:
        spans = [(part.start, part.stop) for part in razdel.sentenize(paragraph)]
    # Trailing spaces belong to no sentence.
    trimmed = []
    for start, end in spans:
        chunk = paragraph[start:end]
        start += len(chunk) - len(chunk.lstrip())
        end -= len(chunk) - len(chunk.rstrip())
        if end > start:
            trimmed.append((start, end))
    return trimmed


def quote_open_after(text: str, open_quote: str | None) -> str | None:
    """The closing mark still awaited after `text`, given the one awaited before it (None: no quote open)."""
    awaited = open_quote
    for char in text:
        if awaited is not None and char == awaited:
            awaited = None
        elif awaited is None and char in OPENING:
            awaited = OPENING[char]
        elif awaited is None and char == SAME_BOTH_WAYS:
            awaited = SAME_BOTH_WAYS
    return awaited


def sentences(text: str, language: str) -> list[Sentence]:
    """The story's sentences, a quotation over several sentences kept as one."""
    found: list[Sentence] = []
    for number, paragraph in enumerate(re.finditer(r"[^\n]+", text)):
        body = paragraph.group()
        if not body.strip():
            continue
        offset = paragraph.start()
        spans = _split(body, language)
        merged: list[tuple[int, int]] = []
        awaited: str | None = None
        for start, end in spans:
            if awaited is not None and merged and end - merged[-1][0] <= LONGEST_QUOTE:
                merged[-1] = (merged[-1][0], end)
            else:
                awaited = None  # a quotation still open this far on was a stray mark
                merged.append((start, end))
            awaited = quote_open_after(body[start:end], awaited)
        found += [Sentence(body[s:e], offset + s, offset + e, number) for s, e in merged]
    return found


def normalise(text: str) -> str:
    """The story with line ends and odd spaces made plain, so offsets and patterns agree: composed
    characters (NFC: "mi\u0301nistry" is "míinistry"), every line break a line feed, invisible marks
    (zero-width spaces, direction marks) and stray control characters gone."""
    text = unicodedata.normalize("NFC", text)
    text = LINE_BREAKS.sub("\n", text)
    text = INVISIBLE.sub("", text)
    text = STRAY_CONTROL.sub(" ", text)
    lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def unquoted(text: str) -> str:
    """The text with every quoted passage blanked out (same length), so a reporting verb inside a
    quote is not taken for the reporter's."""
    return QUOTED.sub(lambda match: match.group()[0] + " " * (len(match.group()) - 2) + match.group()[-1], text)


def quotes_in(text: str) -> list[str]:
    """The quoted passages, without their marks."""
    return [match.group()[1:-1].strip() for match in QUOTED.finditer(text) if match.group()[1:-1].strip()]
