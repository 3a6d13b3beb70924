"""Import ClaimReview JSON-LD published by other fact-checkers.

Each ClaimReview becomes (or finds) a claim with its claimant, and the other fact-checker's article
becomes a source linked to it, with a stance read from their rating: the lower quarter of their scale
(1 or 2 of 5) contradicts the claim, the upper quarter (4 or 5) corroborates it, the rest is context.
The desk's own status stays as it is: an outside verdict is evidence, not a decision. Importing the
same file again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils import timezone

from claims.links import InvalidURL, normalize_url
from claims.models import CLAIM_TEXT_MAX, Claim, Claimant, ClaimantKind, Evidence, SourceKind, Stance
from claims.workflow import source_for_url

MAX_ITEMS = 1000  # reviews read from one file
CLAIM_REVIEW_TYPES = {
    "ClaimReview",
    "schema:ClaimReview",
    "http://schema.org/ClaimReview",
    "https://schema.org/ClaimReview",
}


class Rejected(Exception):
    """An item that cannot be imported; the message says why."""


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (which item, why)

    def merge(self, other: ImportReport) -> None:
        self.created += other.created
        self.skipped += other.skipped
        self.rejected += other.rejected


def claim_reviews_in(data) -> list:
    """The ClaimReview objects in a parsed document: one object, a list, or a page's @graph."""
    if isinstance(data, dict) and "@graph" in data:
        data = data["@graph"]
    items = data if isinstance(data, list) else [data]
    found = []
    for item in items:
        if isinstance(item, dict) and "@graph" in item:
            found += claim_reviews_in(item)
        elif isinstance(item, dict):
            types = item.get("@type", [])
            if set(types if isinstance(types, list) else [types]) & CLAIM_REVIEW_TYPES:
                found.append(item)
    return found


def import_document(text: str, *, name: str, user=None) -> ImportReport:
    """Import every ClaimReview in one JSON-LD document. Bad items are rejected one by one."""
    report = ImportReport()
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        report.rejected.append((name, f"not JSON: {error}"))
        return report
    reviews = claim_reviews_in(data)
    if not reviews:
        report.rejected.append((name, "no ClaimReview objects found"))
    if len(reviews) > MAX_ITEMS:
        report.rejected.append((name, f"{len(reviews) - MAX_ITEMS} reviews past the first {MAX_ITEMS}: split the file"))
        reviews = reviews[:MAX_ITEMS]
    # The file is written whole or not at all, even if the process dies half way; each item's own
    # atomic block is a savepoint inside it, so an item the database refuses is rolled back alone.
    with transaction.atomic():
        for index, review in enumerate(reviews, start=1):
            label = f"{name} #{index}"
            try:
                with transaction.atomic():
                    outcome = _import_one(review, user=user)
            except Rejected as reason:
                report.rejected.append((label, str(reason)))
            except DatabaseError as error:  # a value the database refuses; this item only is rolled back
                report.rejected.append((label, f"the database refused it ({type(error).__name__})"))
            else:
                (report.created if outcome.startswith("created") else report.skipped).append(f"{label}: {outcome}")
    return report


def _import_one(review: dict, *, user) -> str:
    text = " ".join(str(review.get("claimReviewed") or "").split())
    if not text:
        raise Rejected("claimReviewed is missing")
    if len(text) > CLAIM_TEXT_MAX:
        raise Rejected(f"claimReviewed is longer than {CLAIM_TEXT_MAX} characters")
    article = _web_url(review.get("url"), "url")
    if not article:
        raise Rejected("url (the fact-checker's article) is missing")
    item = review.get("itemReviewed") if isinstance(review.get("itemReviewed"), dict) else {}
    claimant_name = " ".join(str(_name(item.get("author")) or "").split())[:200]
    if not claimant_name:
        raise Rejected("itemReviewed.author.name (who made the claim) is missing")
    claimed_on = _date(item.get("datePublished")) or _date(review.get("datePublished")) or timezone.localdate()
    origin = _web_url(_url_of(item.get("firstAppearance")) or _url_of(item.get("appearance")), "appearance")

    # Already imported from this article? (Found even after the desk reworded the claim.)
    earlier = Evidence.objects.filter(source__url=article).select_related("claim").first()
    if earlier:
        return f"already imported (claim #{earlier.claim_id})"
    claimant = Claimant.objects.filter(name__iexact=claimant_name).first()
    claimant = claimant or Claimant.objects.create(name=claimant_name, kind=_kind(item.get("author")))
    claim = Claim.objects.filter(claimant=claimant, text=text).first()
    created_claim = claim is None
    if created_claim:
        claim = Claim.objects.create(
            text=text,
            claimant=claimant,
            claimed_on=claimed_on,
            origin_url=origin or "",
            created_by=user,
            updated_by=user,
        )
    title = str(review.get("name") or review.get("headline") or "")[:500]
    source = source_for_url(article, title=title, kind=SourceKind.ARTICLE, user=user)
    _, linked = Evidence.objects.get_or_create(
        claim=claim,
        source=source,
        defaults={"stance": _stance(review.get("reviewRating")), "excerpt": _rating_words(review), "added_by": user},
    )
    if created_claim:
        return f"created claim #{claim.pk}"
    return f"created evidence on claim #{claim.pk}" if linked else f"already imported (claim #{claim.pk})"


def _web_url(value, field_name: str) -> str:
    if not value:
        return ""
    try:
        return normalize_url(str(value))
    except InvalidURL as error:
        raise Rejected(f"{field_name} is not a web address: {error}") from error


def _url_of(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return value.get("url") or value.get("@id") or ""
    return value or ""


def _name(author) -> str:
    if isinstance(author, list):
        author = author[0] if author else None
    if isinstance(author, dict):
        return author.get("name") or ""
    return author if isinstance(author, str) else ""


def _kind(author) -> str:
    kind = author.get("@type") if isinstance(author, dict) else None
    if isinstance(kind, list):
        kind = "Person" if "Person" in kind else kind[0] if kind else None
    return ClaimantKind.PERSON if kind == "Person" else ClaimantKind.ORGANISATION if kind else ClaimantKind.OTHER


def _date(value) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _stance(rating) -> str:
    """Their rating on their scale, read as a stance towards the claim."""
    if not isinstance(rating, dict):
        return Stance.CONTEXT
    try:
        value, worst, best = (
            float(rating.get(key, default))
            for key, default in (("ratingValue", "nan"), ("worstRating", 1), ("bestRating", 5))
        )
    except (TypeError, ValueError):
        return Stance.CONTEXT
    if not worst < best or not worst <= value <= best:
        return Stance.CONTEXT
    position = (value - worst) / (best - worst)
    if position <= 0.25:
        return Stance.CONTRADICTS
    if position >= 0.75:
        return Stance.CORROBORATES
    return Stance.CONTEXT


def _rating_words(review: dict) -> str:
    rating = review.get("reviewRating") if isinstance(review.get("reviewRating"), dict) else {}
    words, author = str(rating.get("alternateName") or ""), _name(review.get("author"))
    said = f"Rated “{words}”" if words else "Reviewed"
    return (f"{said} by {author}" if author else said)[:500]
