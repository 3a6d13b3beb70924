"""Likely duplicates: the same claim logged twice (docs/architecture.md, "Duplicates").

Full-text search finds candidates (claims sharing any word, best ranked first); a candidate is a
*likely duplicate* when most of the words that carry the claim are the same. Numbers count as words,
so "17 drones over Belgorod" and "10 ATACMS over Crimea" stay apart, while "Russian forces recaptured
Robotyne" and "Russian forces have recaptured the village of Robotyne" are one claim.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from claims.models import Claim, LikelyDuplicate
from claims.wording import claim_words

# Shared words over the larger set of words: at or above this, two claims read as one.
LIKENESS = 0.7
MIN_SHARED_WORDS = 3
CANDIDATES = 5


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
