"""Likely duplicates: the same claim logged twice (docs/architecture.md, "Duplicates").

Full-text search finds candidates (claims sharing any word, best ranked first); a candidate is a
*likely duplicate* when most of the words that carry the claim are the same. Numbers count as words,
so "17 drones over Belgorod" and "10 ATACMS over Crimea" stay apart, while "Russian forces recaptured
Robotyne" and "Russian forces have recaptured the village of Robotyne" are one claim.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import combinations

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import F, Q

from claims.models import Claim, LikelyDuplicate
from claims.wording import claim_words

# Shared words over the larger set of words: at or above this, two claims read as one.
LIKENESS = 0.7
MIN_SHARED_WORDS = 3
CANDIDATES = 5


def is_likely_duplicate(text: str, other: str) -> bool:
    return _alike(claim_words(text), claim_words(other))


def _alike(ours: set[str], theirs: set[str]) -> bool:
    shared = len(ours & theirs)
    if not ours or not theirs or shared < min(MIN_SHARED_WORDS, len(ours), len(theirs)):
        return False
    return shared / max(len(ours), len(theirs)) >= LIKENESS


def likely_duplicates(text: str, *, exclude: int | None = None) -> list[Claim]:
    """Claims on the desk that are likely the same as `text`, best match first."""
    candidates = Claim.objects.on_desk().similar_to(text, exclude=exclude, limit=CANDIDATES)
    return [claim for claim in candidates if is_likely_duplicate(text, claim.text)]


# For many texts at once (intake's candidates): how many claims holding a pair of a text's words are read.
READ_PER_TEXT = 20
RANKED_PER_TEXT = 300
# The share of the desk's claims the words searched for one text may hold between them (see _pairs).
COMMON_WORDS_BUDGET = 0.05
# How long a process trusts PostgreSQL's word statistics before reading them again.
WORD_STATISTICS_SECONDS = 3600


def likely_duplicates_of_each(texts: list[str]) -> list[list[Claim]]:
    """likely_duplicates() for many texts at once (intake's candidates), in a fixed number of queries.

    A likely duplicate shares at least LIKENESS of a text's words, so it lacks at most the rest: of any
    `lacking + 2` of the text's words it holds at least two. The words taken are the rarest on the desk
    (PostgreSQL's statistics of the search vectors; stop words, which the English configuration drops,
    left out), and the claims holding any pair of them are read from the GIN index: the first
    READ_PER_TEXT for each text, all texts in one query. is_likely_duplicate() then decides, as for one
    text. Which of many such claims are read is the index's order, not the newest: asking for the newest
    made PostgreSQL read every match from disk, or walk the whole table newest first when matches were
    rare (a second a text at a million claims; docs/benchmarks.md, "Intake").
    """
    vocabulary = sorted({word for text in texts for word in claim_words(text)})
    if not vocabulary:
        return [[] for _ in texts]
    stop_words = _stop_words(vocabulary)
    frequencies = word_frequencies()
    parts = []
    for text in texts:
        pairs = _pairs(text, frequencies, stop_words)
        if pairs:
            query = SearchQuery(" | ".join(pairs), search_type="raw", config="english")
            # Those sharing the most of the text's words first (a word every claim of a claimant holds, its
            # name, makes many pairs match).
            words = " | ".join(f"'{word}'" for word in sorted(claim_words(text) - stop_words))
            alike = SearchRank(F("search_vector"), SearchQuery(words, search_type="raw", config="english"))
            # Ranked among the first RANKED_PER_TEXT the index gives: a text worded like thousands of claims
            # would otherwise have every one of them read from disk to be ranked.
            first = Claim.objects.on_desk().filter(search_vector=query).order_by().values("id")[:RANKED_PER_TEXT]
            matches = Claim.objects.filter(pk__in=first).annotate(alike=alike)
            parts.append(matches.order_by("-alike", "-id").values_list("id", flat=True)[:READ_PER_TEXT])
    if not parts:
        return [[] for _ in texts]
    with _bitmap_scans_only():
        ids = set(parts[0].union(*parts[1:], all=True)) if len(parts) > 1 else set(parts[0])
    read = {pk: claim_words(text) for pk, text in Claim.objects.filter(pk__in=ids).values_list("id", "text")}
    newest_first = sorted(read, reverse=True)
    chosen = []
    for text in texts:
        words = claim_words(text)
        alike = [pk for pk in newest_first if _alike(words, read[pk])]
        alike.sort(key=lambda pk: -len(words & read[pk]))
        chosen.append(alike[:CANDIDATES])
    shown = Claim.objects.select_related("claimant").in_bulk({pk for pks in chosen for pk in pks})
    return [[shown[pk] for pk in pks] for pks in chosen]


def _pairs(text: str, frequencies: dict[str, float], stop_words: set[str]) -> list[str]:
    words = claim_words(text) - stop_words
    if len(words) < MIN_SHARED_WORDS:
        return []
    lacking = len(words) - int(len(words) * LIKENESS + 0.999)  # the most a likely duplicate may lack
    # Rarest first; where the statistics know neither, a number ("17 drones", "10 ATACMS"), then the longer.
    rarest = sorted(words, key=lambda word: (_frequency(word, frequencies), not word.isdigit(), -len(word), word))
    rarest = rarest[: lacking + 2]
    # Every word read costs its whole list in the index: past COMMON_WORDS_BUDGET (words in a tenth of the
    # claims together), the commonest are left out, and a claim worded alike but for the rarest words is
    # missed here (the claim form's guard and the record made when it is logged still find it).
    while len(rarest) > 3 and sum(_frequency(word, frequencies) for word in rarest) > COMMON_WORDS_BUDGET:
        rarest.pop()
    # Letters and digits only (claims.wording.WORD): nothing to escape.
    return [f"('{first}' & '{second}')" for first, second in combinations(sorted(rarest), 2)]


def _frequency(word: str, frequencies: dict[str, float]) -> float:
    return max(frequencies.get(word, 0.0), frequencies.get(word + "s", 0.0))


def _stop_words(words: list[str]) -> set[str]:
    """The words PostgreSQL's English configuration drops ("more", "over"): in a pair, they would leave a
    single, common word."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM unnest(%s::text[]) AS word WHERE to_tsvector('english', word) = ''::tsvector", [words]
        )
        return {row[0] for row in cursor.fetchall()}


@contextmanager
def _bitmap_scans_only() -> Iterator[None]:
    """Read claims through the GIN index only. Asked for a few rows, PostgreSQL may otherwise walk the
    table until it has them, which takes the whole table when a pair turns out rarer than it guessed.
    SET LOCAL in a transaction of its own (or a savepoint): undone with it, even when the query fails."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        yield
        cursor.execute("SET LOCAL enable_seqscan = DEFAULT; SET LOCAL enable_indexscan = DEFAULT")


_frequencies: tuple[float, dict[str, float]] | None = None


def word_frequencies() -> dict[str, float]:
    """The share of claims holding each of the desk's commonest words, from PostgreSQL's statistics of
    the search vectors (ANALYZE keeps them; autovacuum runs it): a word not there is rarer than all of
    them. Read once an hour per process; empty until the table has been analysed."""
    global _frequencies
    now = time.monotonic()
    if _frequencies is None or now - _frequencies[0] > WORD_STATISTICS_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
                " WHERE tablename = 'claims_claim' AND attname = 'search_vector'"
            )
            row = cursor.fetchone()
        words = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
        _frequencies = (now, words)
    return _frequencies[1]


def record_for(claim: Claim, found: list[Claim] | None = None) -> list[Claim]:
    """Store the claim's likely duplicates (both ways), replacing what was stored for it before.

    Called by the workflow when a claim is logged or reworded; `found` passes on a search already
    made in the same request. A search over a large desk takes a while, so it is done once per
    write rather than on every view of the claim page or the queue.
    """
    found = likely_duplicates(claim.text, exclude=claim.pk) if found is None else found
    LikelyDuplicate.objects.filter(Q(claim=claim) | Q(other=claim)).delete()
    links = [LikelyDuplicate(claim=claim, other=other) for other in found if other.pk != claim.pk]
    links += [LikelyDuplicate(claim=other, other=claim) for other in found if other.pk != claim.pk]
    LikelyDuplicate.objects.bulk_create(links, ignore_conflicts=True)
    return found


def stored_for(claim: Claim) -> list[Claim]:
    """The claim's stored likely duplicates still on the desk, newest first."""
    linked = LikelyDuplicate.objects.filter(claim=claim).values("other_id")
    return list(Claim.objects.on_desk().filter(pk__in=linked).select_related("claimant").order_by("-id"))


def duplicates_by_claim(claims: Iterable[Claim]) -> dict[int, list[tuple[int, str]]]:
    """{claim id: [(duplicate id, its status now), …]} for the claims of a page, in one query."""
    links = LikelyDuplicate.objects.filter(
        claim_id__in=[claim.pk for claim in claims], other__merged_into__isnull=True
    ).order_by("claim_id", "-other_id")
    found: dict[int, list[tuple[int, str]]] = {}
    for claim_id, other_id, status in links.values_list("claim_id", "other_id", "other__status"):
        found.setdefault(claim_id, []).append((other_id, status))
    return found
