"""schema.org ClaimReview: how search engines and other fact-checkers read the desk's verdicts.

The status scale maps onto a rating from 1 to 5 (worst 1 = false, best 5 = confirmed); the rating's
alternateName carries the desk's own word, so nothing is lost in the number:

| status        | ratingValue | alternateName |
|---------------|-------------|---------------|
| false         | 1           | False         |
| misleading    | 2           | Misleading    |
| disputed      | 3           | Disputed      |
| unverifiable  | (none)      | Unverifiable  |
| corroborated  | 4           | Corroborated  |
| confirmed     | 5           | Confirmed     |

"Unverifiable" has no place on a truth scale, so it carries only its word. Unverified claims have no
verdict and get no ClaimReview. datePublished is the day of the first verdict; a later verdict (a
correction) sets dateModified.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.conf import settings
from django.utils.html import _json_script_escapes
from django.utils.safestring import SafeString, mark_safe

from claims.models import ClaimantKind, Status

WORST, BEST = 1, 5
RATING_VALUES = {
    Status.FALSE: 1,
    Status.MISLEADING: 2,
    Status.DISPUTED: 3,
    Status.CORROBORATED: 4,
    Status.CONFIRMED: 5,
}
PEOPLE = {ClaimantKind.OFFICIAL, ClaimantKind.PERSON}


@dataclass(frozen=True)
class Appeared:
    """Another time the claim was made (an Appearance), as ClaimReview lists it."""

    url: str
    on: dt.date
    claimant: str
    claimant_kind: str

    @classmethod
    def of(cls, appearance) -> Appeared:
        return cls(appearance.origin_url, appearance.appeared_on, appearance.claimant.name, appearance.claimant.kind)


def _author(name: str, kind: str) -> dict:
    return {"@type": "Person" if kind in PEOPLE else "Organization", "name": name}


def claim_review(
    *,
    url: str,
    text: str,
    status: str,
    first_decided_at: dt.datetime,
    decided_at: dt.datetime,
    claimant: str,
    claimant_kind: str,
    claimed_on: dt.date,
    origin_url: str,
    appearances: list[Appeared] | tuple = (),
) -> dict | None:
    """One ClaimReview object, or None for a claim without a verdict.

    The claim's own origin and every recorded appearance with an address are its `appearance`s (one
    object when there is one); the earliest of them is its `firstAppearance`.
    """
    if status == Status.UNVERIFIED or status not in Status.values:
        return None
    item = {"@type": "Claim", "author": _author(claimant, claimant_kind), "datePublished": claimed_on.isoformat()}
    works = [({"@type": "CreativeWork", "url": origin_url}, claimed_on)] if origin_url else []
    for seen in appearances:
        if seen.url:
            work = {
                "@type": "CreativeWork",
                "url": seen.url,
                "datePublished": seen.on.isoformat(),
                "author": _author(seen.claimant, seen.claimant_kind),
            }
            works.append((work, seen.on))
    if works:
        item["appearance"] = works[0][0] if len(works) == 1 else [work for work, _ in works]
        # The earliest by date; the claim's own origin first among equals.
        item["firstAppearance"] = min(enumerate(works), key=lambda indexed: (indexed[1][1], indexed[0]))[1][0]
    rating = {"@type": "Rating", "alternateName": Status(status).label}
    if status in RATING_VALUES:
        rating.update(ratingValue=RATING_VALUES[status], bestRating=BEST, worstRating=WORST)
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": text,
        "datePublished": first_decided_at.date().isoformat(),
        "author": {"@type": "Organization", "name": settings.NEWSROOM_NAME, "url": settings.SITE_URL + "/"},
        "itemReviewed": item,
        "reviewRating": rating,
    }
    if decided_at.date() != first_decided_at.date():
        review["dateModified"] = decided_at.date().isoformat()
    return review


def as_script(data: dict) -> SafeString:
    """A <script type="application/ld+json"> block, escaped so no text in it can close the tag."""
    payload = json.dumps(data, ensure_ascii=False).translate(_json_script_escapes)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 - escaped above
