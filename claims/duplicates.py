"""Likely duplicates: the same claim logged twice (docs/architecture.md, "Duplicates").

Full-text search finds candidates (claims sharing any word, best ranked first); a candidate is a
*likely duplicate* when most of the words that carry the claim are the same. Numbers count as words,
so "17 drones over Belgorod" and "10 ATACMS over Crimea" stay apart, while "Russian forces recaptured
Robotyne" and "Russian forces have recaptured the village of Robotyne" are one claim.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection

from claims.models import Claim

# Shared words over the larger set of words: at or above this, two claims read as one.
LIKENESS = 0.7
MIN_SHARED_WORDS = 3
CANDIDATES = 5
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


def is_likely_duplicate(text: str, other: str) -> bool:
    ours, theirs = claim_words(text), claim_words(other)
    shared = len(ours & theirs)
    if not ours or not theirs or shared < min(MIN_SHARED_WORDS, len(ours), len(theirs)):
        return False
    return shared / max(len(ours), len(theirs)) >= LIKENESS


def likely_duplicates(text: str, *, exclude: int | None = None) -> list[Claim]:
    """Claims on the desk that are likely the same as `text`, best match first."""
    candidates = Claim.objects.on_desk().similar_to(text, exclude=exclude, limit=CANDIDATES)
    return [claim for claim in candidates if is_likely_duplicate(text, claim.text)]


# For each claim of a page, the best-ranked claims that share its words: one statement whatever the
# number of rows. The claim's own words (three letters or more) make an OR query, as similar_to does.
CANDIDATES_SQL = """
SELECT claim.id, candidate.id, candidate.text, candidate.status
FROM claims_claim AS claim
CROSS JOIN LATERAL (
    SELECT (SELECT string_agg(quote_literal(lexeme), ' | ') FROM unnest(to_tsvector('simple', claim.text))
            WHERE length(lexeme) >= 3)::tsquery AS words
) AS query
CROSS JOIN LATERAL (
    SELECT other.id, other.text, other.status FROM claims_claim AS other
    WHERE other.search_vector @@ query.words AND other.id <> claim.id AND other.merged_into_id IS NULL
    ORDER BY ts_rank_cd(other.search_vector, query.words, 32) DESC, other.id
    LIMIT %(candidates)s
) AS candidate
WHERE claim.id = ANY(%(ids)s) AND query.words IS NOT NULL
"""


def duplicates_by_claim(claims: Iterable[Claim]) -> dict[int, list[tuple[int, str]]]:
    """{claim id: [(duplicate id, its status), …]} for claims already in memory, in one query."""
    texts = {claim.pk: claim.text for claim in claims}
    if not texts:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(CANDIDATES_SQL, {"ids": list(texts), "candidates": CANDIDATES})
        rows = cursor.fetchall()
    found: dict[int, list[tuple[int, str]]] = {}
    for claim_id, other_id, other_text, other_status in rows:
        if is_likely_duplicate(texts[claim_id], other_text):
            found.setdefault(claim_id, []).append((other_id, other_status))
    return found
