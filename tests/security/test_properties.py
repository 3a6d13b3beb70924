"""Properties over generated input that once ended in server errors: ClaimReview files of any JSON
shape, keyset cursors of any text or JSON, and weeks of any spelling.

- An import never raises: every item is created, skipped or rejected with a reason, and a
  rejected item writes nothing. Numbers no column can hold (thousands of digits, 1e400, NaN,
  Infinity), lone surrogates and NUL bytes are among the values.
- Any text as a cursor, base64 of any JSON included, gives a page of the claims list.
- Any text is either refused by IsoWeek.parse with ValueError or is a week whose neighbours and
  bounds can be computed and whose name reads back as itself; the week picker and the report
  page answer anything without a server error.
- Any text as `next` after a decision or an assignment: the write is made and the browser is sent
  to a path on this site.

Cases: one per hypothesis example (six tests).
"""

from __future__ import annotations

import base64
import json
import re

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.imports import import_document
from claims.models import Status
from claims.reports import FIRST_YEAR, LAST_YEAR, WEEK_PATTERN, IsoWeek
from tests.factories import ClaimFactory, ReviewFactory
from tests.security.battery import BATTERY, count_case, table_counts

pytestmark = pytest.mark.django_db

# Imports and parsing cost little next to a page, so these run more examples than the battery's.
CHEAP = settings(BATTERY, max_examples=60)


class Raw:
    """A number written into the file as it stands: json.dumps refuses some (5,000 digits)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Raw({self.text[:12]!r}{'…' if len(self.text) > 12 else ''})"


def to_json(value) -> str:
    """JSON text with Raw numbers as written; NaN and Infinity as the bare words json.loads accepts,
    lone surrogates as \\ud800 escapes (json.dumps writes them so)."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(key)}: {to_json(inner)}" for key, inner in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(to_json(inner) for inner in value) + "]"
    return json.dumps(value)


SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"]
TEXT = st.one_of(
    st.text(max_size=20),
    st.text(st.one_of(st.characters(), st.sampled_from(SURROGATES), st.just("\x00")), max_size=12),
    st.sampled_from(["", " ", "ClaimReview", "Person", "https://factcheck.example.org/a", "javascript:alert(1)"]),
)
RAW_NUMBERS = st.sampled_from(
    ["7" * 5000, "-" + "9" * 4400, "1" + "0" * 400, "1e400", "-1e999", "1E-400", "NaN", "Infinity", "-Infinity"]
).map(Raw)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
    RAW_NUMBERS,
)
KEYS = st.one_of(
    st.sampled_from(
        [
            "@type",
            "@graph",
            "@id",
            "claimReviewed",
            "url",
            "name",
            "headline",
            "datePublished",
            "itemReviewed",
            "author",
            "firstAppearance",
            "appearance",
            "reviewRating",
            "ratingValue",
            "worstRating",
            "bestRating",
            "alternateName",
        ]
    ),
    TEXT,
)
ANY_JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=12,
)


def either(usual, *others):
    """Mostly the usual shape, sometimes anything at all."""
    return st.one_of(usual, *others, ANY_JSON)


AUTHOR = either(
    st.fixed_dictionaries({"name": TEXT}, optional={"@type": either(st.sampled_from(["Person", "Organization"]))}),
    TEXT,
)
REVIEWS = st.fixed_dictionaries(
    {"@type": either(st.sampled_from(["ClaimReview", "https://schema.org/ClaimReview"]), st.just(["ClaimReview"]))},
    optional={
        "claimReviewed": either(st.sampled_from(["Ten missiles were shot down", "Kyiv fell"]), TEXT),
        "url": either(st.integers(0, 10**6).map(lambda n: f"https://factcheck.example.org/{n}"), TEXT),
        "name": either(TEXT),
        "datePublished": either(st.dates().map(str), TEXT),
        "author": AUTHOR,
        "itemReviewed": either(
            st.fixed_dictionaries(
                {},
                optional={
                    "author": AUTHOR,
                    "datePublished": either(st.dates().map(str)),
                    "firstAppearance": either(st.fixed_dictionaries({"url": TEXT}), TEXT),
                    "appearance": either(st.lists(st.fixed_dictionaries({"url": TEXT}), max_size=2)),
                },
            )
        ),
        "reviewRating": either(
            st.fixed_dictionaries(
                {},
                optional={
                    "ratingValue": SCALARS,
                    "worstRating": SCALARS,
                    "bestRating": SCALARS,
                    "alternateName": either(TEXT),
                },
            )
        ),
        "extra": ANY_JSON,
    },
)
DOCUMENTS = st.one_of(
    REVIEWS,
    st.lists(st.one_of(REVIEWS, ANY_JSON), max_size=4),
    st.fixed_dictionaries({"@graph": st.lists(st.one_of(REVIEWS, ANY_JSON), max_size=4)}),
    ANY_JSON,
)


@given(document=DOCUMENTS)
@CHEAP
def test_an_import_of_any_json_never_raises_and_accounts_for_every_item(db, document):
    count_case()
    report = import_document(to_json(document), name="any.json")
    assert report.created or report.skipped or report.rejected


@given(review=REVIEWS)
@CHEAP
def test_a_rejected_review_writes_nothing(db, review):
    count_case()
    before = table_counts()
    report = import_document(to_json(review), name="one.json")
    assert len(report.created) + len(report.skipped) + len(report.rejected) == 1, report
    if report.rejected:
        assert table_counts() == before, report.rejected


# Query strings arrive as bytes decoded with replacement, so a request never carries a surrogate.
QUERY_TEXT = st.text(st.characters(exclude_categories=["Cs"]))
NO_SURROGATES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), QUERY_TEXT),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(QUERY_TEXT, children, max_size=4),
    max_leaves=12,
)


def base64_of(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


CURSORS = st.one_of(
    QUERY_TEXT,
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=", max_size=2000),
    NO_SURROGATES.map(lambda value: base64_of(json.dumps(value))),
    st.integers(min_value=1, max_value=50_000).map(lambda depth: base64_of("[" * depth + "]" * depth)),
    st.integers(min_value=1, max_value=50_000).map(lambda depth: base64_of('{"a":' * depth + "1" + "}" * depth)),
)


@given(sort=st.sampled_from(["", "newest", "oldest", "priority", "activity"]), cursor=CURSORS)
@BATTERY
def test_any_cursor_gives_a_page_of_the_claims_list(battery_desk, sort, cursor):
    count_case()
    response = battery_desk.client("fact_checker").get(reverse("claims:list"), {"sort": sort, "after": cursor})
    assert response.status_code == 200


WEEKISH = st.one_of(
    QUERY_TEXT,
    st.builds(lambda year, week: f"{year:04d}-W{week:02d}", st.integers(0, 9999), st.integers(0, 99)),
    st.from_regex(r"[0-9]{4}-W[0-9]{2}", fullmatch=True),
    st.from_regex(r"\d{4}-W\d{2}", fullmatch=True),  # any Unicode digits
)


@given(text=WEEKISH)
@settings(CHEAP, max_examples=300)
def test_a_parsed_week_is_one_whose_arithmetic_works_and_whose_name_reads_back(text):
    count_case()
    try:
        week = IsoWeek.parse(text)
    except ValueError as refusal:
        assert str(refusal)
        return
    assert str(week) == text and IsoWeek.parse(str(week)) == week
    assert FIRST_YEAR <= week.year <= LAST_YEAR
    assert week.start < week.end
    for neighbour in (week.previous, week.following):
        assert WEEK_PATTERN.fullmatch(str(neighbour)) and neighbour.start < neighbour.end


@given(text=WEEKISH)
@BATTERY
def test_any_week_in_the_picker_or_the_address_is_never_a_server_error(battery_desk, text):
    count_case()
    browser = battery_desk.client("fact_checker")
    picked = browser.get(reverse("claims:report_current"), {"week": text})
    assert picked.status_code == 302
    if re.fullmatch(r"\d{4}-W\d{2}", text):  # what the report URLs take, Unicode digits included
        response = browser.get(f"/reports/weekly/{text}/")
        assert response.status_code in (200, 404)


NEXT_VALUES = st.one_of(
    QUERY_TEXT,
    st.sampled_from(["-1", "abc", "claims:list", "//evil.example/", "https://evil.example/", "/\r\nSet-Cookie: x=1"]),
    st.builds(lambda path: "/" + path, st.text(max_size=40)),
)


@given(value=NEXT_VALUES)
@BATTERY
def test_any_next_after_a_decision_or_an_assignment_is_never_a_server_error(battery_desk, value):
    """`next` names where a form goes back to: anything else than a path here falls back to the
    form's own page, after the write, and never ends in a server error."""
    count_case()
    review = ReviewFactory(
        claim=ClaimFactory(), proposed_by=battery_desk.fact_checker, proposed_status=Status.UNVERIFIABLE
    )
    decided = battery_desk.client("editor").post(reverse("claims:approve", args=[review.pk]), {"next": value})
    assert decided.status_code == 302
    assert decided["Location"].startswith("/") and not decided["Location"].startswith("//")
    review.refresh_from_db()
    assert review.decision == "approved"
    assigned = battery_desk.client("editor").post(
        reverse("claims:assign"), {"claims": battery_desk.open_claim.pk, "assignee": "", "next": value}
    )
    assert assigned.status_code == 302 and assigned["Location"].startswith("/")
