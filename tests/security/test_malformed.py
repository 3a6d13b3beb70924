"""Malformed input in every form field and query parameter: NUL bytes (PostgreSQL refuses them in
text), 1 MB values (over every limit), impossible dates and times, numbers that are not numbers or
are far out of range, unknown choices, huge and negative page numbers, forged keyset cursors.

A form answers with its errors (4xx; the assignment form, which has no page of its own, redirects
back with them) and writes nothing; a page answers 200, or 400 for a filter it cannot apply,
never 500, and a GET never writes.

Cases: one per hypothesis example: of each form (12), of each page's query string (12), of the
cursors and of the page numbers; and one per parametrised odd cursor column and unknown filter value.
"""

from __future__ import annotations

import base64
import json
import math

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from claims.filters import SORTS
from claims.models import ClaimantKind, Priority, SourceKind, Stance, Status
from tests.factories import ClaimFactory
from tests.security.battery import (
    BATTERY,
    count_case,
    desk_actions,
    nothing_written,
    one_megabyte,
    with_nul,
)

pytestmark = pytest.mark.django_db

TEXT, DATE, TIME, NUMBER, CHOICE, ROW_ID = "text", "date", "time", "number", "choice", "row id"
CLAIM_FIELDS = {
    "text": TEXT,
    "claimant_name": TEXT,
    "tag_names": TEXT,
    "event_place": TEXT,
    "quote": TEXT,
    "origin_url": TEXT,
    "claimed_on": DATE,
    "claimed_time": TIME,
    "event_on": DATE,
    "priority": CHOICE,
    "new_claimant_kind": CHOICE,
    "new_claimant_affiliation": ROW_ID,
}
# The fields of each action's form (battery.desk_actions), by the kind of value they take.
FORM_FIELDS = {
    "log a claim": CLAIM_FIELDS,
    "edit a claim": {**CLAIM_FIELDS, "version": NUMBER},
    "add evidence": {"url": TEXT, "title": TEXT, "excerpt": TEXT, "note": TEXT, "kind": CHOICE, "stance": CHOICE},
    "propose a status": {"status": CHOICE, "rationale": TEXT},
    "approve": {"note": TEXT},
    "return": {"note": TEXT},
    "correct a claimant": {"kind": CHOICE, "affiliation": ROW_ID, "description": TEXT, "url": TEXT},
    "rename an outlet": {"name": TEXT, "affiliation": ROW_ID},
    "add an affiliation": {"name": TEXT, "description": TEXT},
    "rename an affiliation": {"name": TEXT, "description": TEXT},
    "assign a claim": {"claims": ROW_ID, "assignee": TEXT},
    "take a claim": {"claims": ROW_ID, "assignee": TEXT},
}
REDIRECTS_WITH_ERRORS = {"assign a claim", "take a claim"}

VALID_CHOICES = {
    str(value) for choices in (Status, Stance, SourceKind, ClaimantKind, Priority) for value in choices.values
} | {""}


# Query strings get long values rather than megabytes: a web server refuses request lines past a
# few kilobytes before the desk sees them (gunicorn: 4094 bytes).
LONG_QUERY_VALUES = ["a" * 20_000, "я" * 20_000, " ".join(f"w{number}x" for number in range(4000))]


def impossible_dates(huge):
    return st.one_of(
        st.sampled_from(["2024-02-30", "2023-02-29", "0000-01-01", "2024-00-10", "today", "15.05.2024.", "2024-5"]),
        st.from_regex(r"\A[0-9]{4}-(1[3-9]|[2-9][0-9])-[0-2][0-9]\Z"),  # month 13 and above
        st.from_regex(r"\A[0-9]{5,9}-0[1-9]-1[0-9]\Z"),  # years past 9999
        with_nul(),
        huge,
    )


def impossible_times(huge):
    return st.one_of(
        st.from_regex(r"\A(2[4-9]|[3-9][0-9]):[0-5][0-9]\Z"),
        st.from_regex(r"\A[01][0-9]:[6-9][0-9]\Z"),
        st.sampled_from(["noon", "12:00 tomorrow", "-01:00"]),
        with_nul(),
        huge,
    )


def not_numbers(huge):
    """Values no integer field of the desk accepts (an id of no row, a version)."""
    return st.one_of(
        st.integers(min_value=2**63).map(str),
        st.sampled_from(["1.5", "1e3", "1e9999", "NaN", "Infinity", "--1", "0x10", "½", "one"]),
        with_nul(),
        huge,
    )


def missing_row_ids(huge):
    return st.one_of(st.integers(max_value=-1).map(str), st.integers(min_value=10**9).map(str), not_numbers(huge))


def unknown_choices(huge):
    return st.one_of(st.text(max_size=20), with_nul(), huge).filter(lambda value: value not in VALID_CHOICES)


def hostile(kind: str, huge):
    """Values a field or parameter of this kind must refuse; `huge` gives the over-long ones."""
    if kind == TEXT:
        return st.one_of(with_nul(), huge)
    strategy = {
        DATE: impossible_dates,
        TIME: impossible_times,
        NUMBER: not_numbers,
        CHOICE: unknown_choices,
        ROW_ID: missing_row_ids,
    }[kind]
    return strategy(huge)


IN_FORMS = one_megabyte()
IN_QUERIES = st.sampled_from(LONG_QUERY_VALUES)


@pytest.mark.parametrize("action_name", FORM_FIELDS)
@given(data=st.data())
@BATTERY
def test_malformed_form_fields_are_refused_and_write_nothing(battery_desk, action_name, data):
    count_case()
    action = desk_actions(battery_desk)[action_name]
    field = data.draw(st.sampled_from(sorted(FORM_FIELDS[action_name])), label="field")
    value = data.draw(hostile(FORM_FIELDS[action_name][field], IN_FORMS), label=field)
    browser = battery_desk.client(action.actor)
    with nothing_written():
        response = browser.post(action.url, {**action.data, field: value})
    if action_name in REDIRECTS_WITH_ERRORS:
        assert response.status_code == 302
    else:
        assert 400 <= response.status_code < 500


# Every query parameter the desk reads, by page, with the kind of value it expects.
QUERY_PARAMETERS = {
    "claims:list": {
        "q": TEXT,
        "claimant": TEXT,
        "tag": TEXT,
        "assignee": TEXT,
        "priority": NUMBER,
        "status": CHOICE,
        "claimed_from": DATE,
        "claimed_to": DATE,
        "sort": CHOICE,
        "after": TEXT,
        "page": NUMBER,
    },
    "claims:export": {"q": TEXT, "claimant": TEXT, "tag": TEXT, "status": CHOICE, "claimed_from": DATE, "sort": CHOICE},
    "claims:similar": {"text": TEXT, "exclude": NUMBER},
    "claims:claimant_suggest": {"claimant": TEXT, "claimant_name": TEXT},
    "claims:claimants": {"q": TEXT, "page": NUMBER},
    "claims:sources": {"outlet": TEXT, "kind": CHOICE, "page": NUMBER},
    "claims:queue": {"mine": TEXT},
    "claims:queue_updates": {"shown": TEXT, "mine": TEXT},
    "claims:report_current": {"week": TEXT},
    "claims:dashboard": {"next": TEXT},
    "claims:claim_history": {"page": NUMBER},
    "claims:source_history": {"page": NUMBER},
}


def page_address(battery_desk, page: str) -> str:
    if page == "claims:claim_history":
        return reverse(page, args=[battery_desk.claim.pk])
    if page == "claims:source_history":
        return reverse(page, args=[battery_desk.evidence.source_id])
    return reverse(page)


@pytest.mark.parametrize("page_name", QUERY_PARAMETERS)
@given(data=st.data(), htmx=st.booleans())
@BATTERY
def test_malformed_query_strings_are_answered_and_write_nothing(battery_desk, page_name, data, htmx):
    count_case()
    kinds = QUERY_PARAMETERS[page_name]
    names = data.draw(st.sets(st.sampled_from(sorted(kinds)), min_size=1, max_size=3), label="parameters")
    parameters = {name: data.draw(hostile(kinds[name], IN_QUERIES), label=name) for name in sorted(names)}
    browser = battery_desk.client("editor")
    with nothing_written():
        response = browser.get(
            page_address(battery_desk, page_name), parameters, headers={"HX-Request": "true"} if htmx else {}
        )
    assert response.status_code in (200, 302, 400)


# Numbers no sort column holds: int() of the infinite ones raises OverflowError, not ValueError.
ODD_NUMBERS = [math.inf, -math.inf, math.nan, 1e308, 2**63, -(2**63) - 1, 1.5, -1]
CURSOR_SCALARS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from(ODD_NUMBERS),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["2024-05-15T00:00:00+00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]),
    st.datetimes().map(lambda moment: moment.isoformat()),
    st.booleans(),
    st.none(),
)


def forged_cursors(size: int):
    """Cursors of the right shape for the sort (one value per sort column) with wrong values, any
    JSON, and text that is not base64 at all. json.dumps writes NaN and Infinity as the bare words."""
    values = st.one_of(
        st.lists(CURSOR_SCALARS, min_size=size, max_size=size),
        st.lists(st.one_of(CURSOR_SCALARS, st.lists(CURSOR_SCALARS, max_size=2)), max_size=4),
    )
    encoded = values.map(lambda items: base64.urlsafe_b64encode(json.dumps(items).encode()).decode().rstrip("="))
    return st.one_of(encoded, st.text(max_size=40), with_nul())


PLAUSIBLE = {
    "created_at": "2024-05-15T00:00:00+00:00",
    "updated_at": "2024-05-15T00:00:00+00:00",
    "priority": 1,
    "id": 1,
}


def one_odd_column(sort: str, position: int, number: float) -> str:
    values = [PLAUSIBLE[column.lstrip("-")] for column in SORTS[sort]]
    values[position] = number
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("number", ODD_NUMBERS, ids=repr)
@pytest.mark.parametrize(
    ("sort", "position"), [(sort, position) for sort in SORTS for position, column in enumerate(SORTS[sort])]
)
def test_a_cursor_with_an_odd_number_gives_a_page(fact_checker_client, sort, position, number):
    """Each column of each sort in turn holds the odd number; the others are what a real cursor has.
    Some still name a position (-1, 1.5), the others are no cursor at all (the first page)."""
    count_case()
    ClaimFactory()
    cursor = one_odd_column(sort, position, number)
    assert fact_checker_client.get(reverse("claims:list"), {"sort": sort, "after": cursor}).status_code == 200


@given(sort=st.sampled_from(["", *SORTS]), data=st.data())
@BATTERY
def test_forged_cursors_give_the_first_page(battery_desk, sort, data):
    count_case()
    cursor = data.draw(forged_cursors(len(SORTS[sort or "newest"])), label="cursor")
    response = battery_desk.client("fact_checker").get(reverse("claims:list"), {"sort": sort, "after": cursor})
    assert response.status_code == 200


@given(
    page_name=st.sampled_from(["claims:list", "claims:claimants", "claims:sources", "claims:claim_history"]),
    number=st.one_of(st.integers(min_value=-(2**80), max_value=2**80).map(str), not_numbers(IN_QUERIES)),
)
@BATTERY
def test_any_page_number_gives_a_page(battery_desk, page_name, number):
    count_case()
    query = {"page": number, "q": "forces"} if page_name == "claims:list" else {"page": number}
    response = battery_desk.client("editor").get(page_address(battery_desk, page_name), query)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"sort": "cheapest"},
        {"status": "rumour"},
        {"priority": "9"},
        {"tag": "no such tag"},
        {"claimant": "Nobody at all"},
        {"assignee": "nobody-here"},
        {"claimed_from": "2024-13-01"},
        {"claimed_to": "yesterday"},
    ],
    ids=lambda query: "&".join(f"{key}={value}" for key, value in query.items()),
)
@pytest.mark.parametrize("page_name", ["claims:list", "claims:export"])
def test_unknown_filter_values_are_a_400(battery_desk, page_name, query):
    count_case()
    assert battery_desk.client("fact_checker").get(reverse(page_name), query).status_code == 400


@pytest.mark.parametrize("query", [{"outlet": "nowhere.example"}, {"kind": "rumour"}])
def test_unknown_source_filters_are_a_400(battery_desk, query):
    count_case()
    assert battery_desk.client("fact_checker").get(reverse("claims:sources"), query).status_code == 400
