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


def claim_words(text: str) -> set[str]:
    """The words that carry a claim, lower-cased, a plural's "s" dropped."""
    words = set()
    for word in WORD.findall(text.lower()):
        if word in FILLER:
            continue
        words.add(word[:-1] if len(word) > 4 and word.endswith("s") else word)
    return words
