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
import logging
import math
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils import timezone

from claims.links import InvalidURL, normalize_url
from claims.models import CLAIM_TEXT_MAX, ClaimantKind, Stance
from claims.workflow import ClaimantChoice, OutsideReview, claimreview_record

logger = logging.getLogger(__name__)

MAX_ITEMS = 1000  # reviews read from one file
CLAIM_REVIEW_TYPES = {
    "ClaimReview",
    "schema:ClaimReview",
    "http://schema.org/ClaimReview",
    "https://schema.org/ClaimReview",
}


class Rejected(Exception):
    """An item that cannot be imported; the message says why."""


class _Unreadable:
    """Where the file has a number this desk cannot hold: NaN, Infinity, 1e400, or an integer of
    thousands of digits. Left in place by the parser so that only the item holding it is rejected,
    not the whole file (json.loads would otherwise fail for all of it, or hand on an infinity)."""

    def __repr__(self) -> str:
        return "<unreadable number>"


UNREADABLE = _Unreadable()


def _read_int(text: str) -> int | _Unreadable:
    try:
        return int(text)
    except ValueError:  # past Python's limit on digits converted at once
        return UNREADABLE


def _read_float(text: str) -> float | _Unreadable:
    number = float(text)
    return number if math.isfinite(number) else UNREADABLE


def parse(text: str):
    """The document as Python objects, with UNREADABLE for each number no column could hold."""
    return json.loads(text, parse_int=_read_int, parse_float=_read_float, parse_constant=lambda _: UNREADABLE)


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
    """The ClaimReview objects in a parsed document: one object, a list, or a page's @graph.

    An object whose @type is not a name or a list of names is returned too, whatever it claims to
    be, so that it is rejected with a reason rather than silently left out. Nested @graphs are
    followed without recursion: a file can nest them as deep as the parser allows.
    """
    found = []
    pending = [iter([data])]
    while pending:
        item = next(pending[-1], _DONE)
        if item is _DONE:
            pending.pop()
        elif isinstance(item, dict) and "@graph" in item:
            graph = item["@graph"]
            pending.append(iter(graph if isinstance(graph, list) else [graph]))
        elif isinstance(item, list) and len(pending) == 1:  # the document itself is a list
            pending.append(iter(item))
        elif isinstance(item, dict):
            types = _type_names(item.get("@type", []))
            if types is None or set(types) & CLAIM_REVIEW_TYPES:
                found.append(item)
    return found


_DONE = object()


def _type_names(value) -> list[str] | None:
    """An @type as a list of names; None if it is not a name or a list of names."""
    if value is None:  # written out but empty: no type, as if it were missing
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(name, str) for name in value):
        return value
    return None


def import_document(text: str, *, name: str, user=None) -> ImportReport:
    """Import every ClaimReview in one JSON-LD document. Bad items are rejected one by one."""
    report = ImportReport()
    try:
        data = parse(text)
    except ValueError as error:
        report.rejected.append((name, f"not JSON: {error}"))
        return report
    except RecursionError:
        report.rejected.append((name, "not JSON this desk can read: it is nested too deeply"))
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
                check_shape(review)
                with transaction.atomic():
                    outcome = _import_one(review, user=user)
            except Rejected as reason:
                report.rejected.append((label, str(reason)))
            except DatabaseError as error:  # a value the database refuses; this item only is rolled back
                report.rejected.append((label, f"the database refused it ({type(error).__name__})"))
            except Exception as error:
                # An item that gets past check_shape and still breaks the import is a bug to fix, but
                # it must cost that one item (already rolled back to its savepoint), never the file.
                logger.exception("ClaimReview item %s could not be imported", label)
                why = f"this item could not be imported ({type(error).__name__}); nothing of it was kept"
                report.rejected.append((label, why))
            else:
                (report.created if outcome.startswith("created") else report.skipped).append(f"{label}: {outcome}")
    return report


def check_shape(review: dict) -> None:
    """Reject an item, with a sentence naming the field, unless every value the import reads has
    the shape it expects, no text holds what PostgreSQL cannot store, and no number is unreadable.

    What the import does with a value of the right shape (an address that is not http, a missing
    claimant) it judges itself; this is the part that would otherwise raise from deep inside it.
    """
    _check_storable(review)
    if _type_names(review.get("@type", [])) is None:
        raise Rejected("@type is not a name such as ClaimReview, nor a list of names")
    for key in ("claimReviewed", "url", "name", "headline"):
        _check_text(review.get(key), key)
    _check_author(review.get("author"), "author")
    item = review.get("itemReviewed")
    if item is not None:
        if not isinstance(item, dict):
            raise Rejected("itemReviewed is not an object (the claim that was reviewed)")
        _check_author(item.get("author"), "itemReviewed.author")
        for key in ("firstAppearance", "appearance"):
            _check_appearance(item.get(key), f"itemReviewed.{key}")
    rating = review.get("reviewRating")
    if rating is not None:
        if not isinstance(rating, dict):
            raise Rejected("reviewRating is not an object (a rating with ratingValue and its scale)")
        for key in ("ratingValue", "worstRating", "bestRating"):
            _check_number(rating.get(key), f"reviewRating.{key}")
        _check_text(rating.get("alternateName"), "reviewRating.alternateName")


def _check_storable(value) -> None:
    """Every string (keys too) storable in PostgreSQL text, every number readable, at any depth.

    A lone surrogate (a JSON escape such as \\ud800 with no partner) cannot be encoded as UTF-8, and
    PostgreSQL refuses NUL in text. Walked without recursion: the parser allows deep nesting.
    """
    pending = [("", value)]
    while pending:
        path, value = pending.pop()
        if value is UNREADABLE:
            raise Rejected(f"{path or 'the item'} is not a number this desk can read")
        if isinstance(value, str):
            _check_characters(value, path or "the item")
        elif isinstance(value, dict):
            for key, inner in value.items():
                _check_characters(key, f"a key in {path}" if path else "a key")
                pending.append((f"{path}.{key}" if path else key, inner))
        elif isinstance(value, list):
            pending.extend((f"{path}[{index}]", inner) for index, inner in enumerate(value))


def _check_characters(text: str, path: str) -> None:
    if "\x00" in text:
        raise Rejected(f"{path} holds a NUL character, which cannot be stored")
    if any("\ud800" <= character <= "\udfff" for character in text):
        raise Rejected(f"{path} holds a character that is not Unicode text (a lone surrogate such as \\ud800)")


def _check_text(value, path: str) -> None:
    if value is not None and not isinstance(value, str):
        raise Rejected(f"{path} is not text")


def _check_number(value, path: str) -> None:
    """A rating is a number, or text (a number or a word): anything else is refused."""
    if value is None or isinstance(value, str):
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Rejected(f"{path} is not a number this desk can read")
    try:
        readable = math.isfinite(float(value))
    except OverflowError:  # an integer of hundreds of digits
        readable = False
    if not readable:
        raise Rejected(f"{path} is not a number this desk can read")


def _check_author(value, path: str) -> None:
    """A name, an object with a name, or a list of those (the first is read)."""
    for author in value if isinstance(value, list) else [value]:
        if author is None or isinstance(author, str):
            continue
        if not isinstance(author, dict):
            raise Rejected(f"{path} is not a name or an object with a name")
        _check_text(author.get("name"), f"{path}.name")
        if _type_names(author.get("@type", [])) is None:
            raise Rejected(f"{path}.@type is not a name such as Person, nor a list of names")


def _check_appearance(value, path: str) -> None:
    """An address, an object with a url (or @id), or a list of those (the first is read)."""
    for appearance in value if isinstance(value, list) else [value]:
        if appearance is None or isinstance(appearance, str):
            continue
        if not isinstance(appearance, dict):
            raise Rejected(f"{path} is not an address or an object with a url")
        for key in ("url", "@id"):
            _check_text(appearance.get(key), f"{path}.{key}")


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

    outside = OutsideReview(
        text=text,
        claimant=ClaimantChoice(name=claimant_name, kind=_kind(item.get("author"))),
        claimed_on=claimed_on,
        origin_url=origin or "",
        article_url=article,
        title=str(review.get("name") or review.get("headline") or "")[:500],
        stance=_stance(review.get("reviewRating")),
        excerpt=_rating_words(review),
    )
    return claimreview_record(review=outside, user=user)


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
    except (TypeError, ValueError, OverflowError):
        return Stance.CONTEXT
    if not all(math.isfinite(number) for number in (worst, best)) or not worst < best or not worst <= value <= best:
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
