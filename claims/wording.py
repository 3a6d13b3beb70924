"""The words that carry a claim, for finding claims worded alike (the duplicate guard, likely
duplicates): lower-cased, a plural's "s" dropped, filler words left out, numbers kept."""

from __future__ import annotations

import re

# Words that carry no claim of their own.
FILLER = frozenset(
    [
        "the",
        "and",
        "for",
        "has",
        "have",
        "had",
        "was",
        "were",
        "are",
        "that",
        "this",
        "with",
        "from",
        "its",
        "his",
        "her",
        "their",
        "been",
        "not",
        "will",
        "said",
        "says",
        "per",
        "than",
        "into",
        "over",
        "about",
        "after",
        "before",
        "also",
        "they",
        "them",
        "there",
        "who",
        "which",
        "while",
    ]
)
# Words of three or more letters, and numbers of any length.
WORD = re.compile(r"\d+|[^\W\d_]{3,}")


def collapse_spaces(value: str) -> str:
    """Strip, and collapse runs of whitespace (pasted text often carries line breaks)."""
    return " ".join(value.split())


def claim_words_in_order(text: str) -> list[str]:
    """The words that carry a claim, lower-cased, a plural's "s" dropped, each once, in text order."""
    words = (word[:-1] if len(word) > 4 and word.endswith("s") else word for word in WORD.findall(text.lower()))
    return list(dict.fromkeys(word for word in words if word not in FILLER))


def claim_words(text: str) -> set[str]:
    return set(claim_words_in_order(text))
