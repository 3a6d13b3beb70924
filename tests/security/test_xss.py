"""Script, markup and formula payloads typed into every text field, read back on every page that
shows them: each page has them escaped (shown, as text, exactly as typed) and in no tag, attribute
or handler of their own; CSV cells never start like a formula; JSON-LD never closes its script.

Cases: one per hypothesis example of each way in (five tests) and of each page's query string
(ten pages); each example sends fresh payloads through one way in and reads every page that shows
them.
"""

from __future__ import annotations

import io
import json
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from claims import reports
from claims.models import Affiliation, Claim, Source
from tests.factories import ClaimantFactory, ClaimFactory, claim_form_data
from tests.security.battery import (
    BATTERY,
    assert_inert,
    assert_shown,
    assert_spreadsheet_safe,
    count_case,
    markers,
    script_payloads,
    serial,
    spreadsheet_form,
    streamed,
)

pytestmark = pytest.mark.django_db


def words(text: str) -> str:
    """How the desk stores names, claims and tags: single spaces, no ends."""
    return " ".join(text.split())


def page(browser, url: str, data=None, **kwargs) -> str:
    response = browser.get(url, data or {}, **kwargs)
    assert response.status_code == 200, url
    return response.content.decode()


def check_pages(browser, typed: tuple[str, ...], pages: list[tuple[str, dict, tuple[str, ...]]]) -> None:
    """Each (url, query, shown) page keeps every typed text inert and shows the `shown` ones."""
    for url, query, shown in pages:
        html = page(browser, url, query)
        assert_inert(html, *typed)
        for text in shown:
            assert_shown(html, text)


def csv_row(rows: list[list[str]], claim_id: int) -> list[str]:
    return next(row for row in rows if row[0] == str(claim_id))


def strings_in(data) -> list[str]:
    """Every string value in parsed JSON."""
    if isinstance(data, dict):
        return [text for value in data.values() for text in strings_in(value)]
    if isinstance(data, list):
        return [text for value in data for text in strings_in(value)]
    return [data] if isinstance(data, str) else []


def this_week() -> str:
    return str(reports.IsoWeek.containing(timezone.localdate()))


@given(
    text=script_payloads(),
    claimant=script_payloads(),
    tag=script_payloads().map(lambda payload: payload[:60]),
    place=script_payloads(),
    quote=script_payloads(),
)
@BATTERY
def test_what_a_claim_form_takes_is_inert_everywhere(battery_desk, text, claimant, tag, place, quote):
    count_case()
    checker = battery_desk.client("fact_checker")
    response = checker.post(
        reverse("claims:create"),
        # Logged as new even when an earlier case's claim reads alike (the duplicate guard is tested elsewhere).
        claim_form_data(
            text=text,
            claimant_name=claimant,
            tag_names=tag,
            event_place=place,
            quote=quote,
            priority="2",
            duplicate="new",
        ),
    )
    assert response.status_code == 302
    claim = Claim.objects.get(pk=response["Location"].strip("/").split("/")[-1])
    text, claimant, tag, place, quote = words(text), words(claimant), words(tag), place.strip(), quote.strip()
    typed = (text, claimant, tag, place, quote)

    check_pages(
        checker,
        typed,
        [
            (reverse("claims:detail", args=[claim.pk]), {}, typed),
            (reverse("claims:edit", args=[claim.pk]), {}, typed),
            (reverse("claims:list"), {}, (text, claimant)),
            (reverse("claims:list"), {"claimant": claimant}, (claimant, text)),
            (reverse("claims:list"), {"tag": tag}, (tag, text)),
            (reverse("claims:claimant", args=[claim.claimant_id]), {}, (claimant, text)),
            (reverse("claims:claimants"), {}, (claimant,)),
            (reverse("claims:claimants"), {"q": claimant}, (claimant,)),
            (reverse("claims:claimant_suggest"), {"claimant": claimant}, (claimant,)),
            (reverse("claims:similar"), {"text": text}, ()),
            (reverse("claims:dashboard"), {}, ()),
        ],
    )
    fragment = page(checker, reverse("claims:list"), {"q": text}, headers={"HX-Request": "true"})
    assert_inert(fragment, *typed)
    check_pages(
        battery_desk.client("editor"), typed, [(reverse("claims:claim_history", args=[claim.pk]), {}, (text, quote))]
    )

    rows = assert_spreadsheet_safe(streamed(checker.get(reverse("claims:export"))))
    row = csv_row(rows, claim.pk)
    assert (row[1], row[2], row[9]) == (spreadsheet_form(text), spreadsheet_form(claimant), spreadsheet_form(tag))


@given(
    title=script_payloads(),
    excerpt=script_payloads(),
    note=script_payloads(),
    path=script_payloads().map(lambda payload: payload.replace(" ", "")),
)
@BATTERY
def test_what_an_evidence_form_takes_is_inert_everywhere(battery_desk, title, excerpt, note, path):
    count_case()
    checker = battery_desk.client("fact_checker")
    host = f"outlet{next(serial)}.example.net"
    url = f"https://{host}/{path}"
    response = checker.post(
        reverse("claims:evidence_add", args=[battery_desk.open_claim.pk]),
        {"url": url, "title": title, "excerpt": excerpt, "note": note, "kind": "article", "stance": "corroborates"},
    )
    assert response.status_code == 302
    source = Source.objects.get(url__startswith=f"https://{host}/")
    typed = (title.strip(), excerpt.strip(), note.strip(), url)

    check_pages(
        checker,
        typed,
        [
            (reverse("claims:detail", args=[battery_desk.open_claim.pk]), {}, typed[:3]),
            (reverse("claims:source", args=[source.pk]), {}, (typed[0], source.url)),
            (reverse("claims:sources"), {}, (typed[0], source.url)),
            (reverse("claims:outlets"), {}, (host,)),
            (reverse("claims:dashboard"), {}, ()),
        ],
    )
    check_pages(
        battery_desk.client("editor"),
        typed,
        [(reverse("claims:source_history", args=[source.pk]), {}, (typed[0], source.url))],
    )


@given(
    claim_text=script_payloads(),
    claimant=script_payloads(),
    first_rationale=script_payloads(),
    return_note=script_payloads(),
    rationale=script_payloads(),
    approval_note=script_payloads(),
)
@BATTERY
def test_what_proposals_and_decisions_say_is_inert_everywhere(
    battery_desk, tmp_path, claim_text, claimant, first_rationale, return_note, rationale, approval_note
):
    count_case()
    claim = ClaimFactory(text=claim_text, claimant=ClaimantFactory(name=claimant))
    checker, editor = battery_desk.client("fact_checker"), battery_desk.client("editor")
    typed = (claim_text, claimant, first_rationale, return_note, rationale, approval_note)
    propose = reverse("claims:propose", args=[claim.pk])
    from_queue = {"headers": {"HX-Request": "true"}}

    assert checker.post(propose, {"status": "unverifiable", "rationale": first_rationale}).status_code == 302
    html = page(editor, reverse("claims:queue"))
    assert_inert(html, *typed)
    for text in (claim_text, claimant, first_rationale):
        assert_shown(html, text)
    review = claim.reviews.get()
    returned = editor.post(
        reverse("claims:return", args=[review.pk]), {"note": return_note, "from": "queue"}, **from_queue
    )
    assert returned.status_code == 200
    assert_inert(returned.content.decode(), *typed)
    html = page(checker, reverse("claims:dashboard"))
    assert_inert(html, *typed)
    assert_shown(html, return_note.strip())

    assert checker.post(propose, {"status": "unverifiable", "rationale": rationale}).status_code == 302
    review = claim.reviews.get(decision="pending")
    approved = editor.post(
        reverse("claims:approve", args=[review.pk]), {"note": approval_note, "from": "queue"}, **from_queue
    )
    assert approved.status_code == 200
    assert_inert(approved.content.decode(), *typed)

    html = page(checker, reverse("claims:detail", args=[claim.pk]))
    assert_inert(html, *typed)
    for text in (claim_text, first_rationale.strip(), return_note.strip(), rationale.strip(), approval_note.strip()):
        assert_shown(html, text)
    structured = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert json.loads(structured)["claimReviewed"] == claim_text

    week = this_week()
    html = page(checker, reverse("claims:report", args=[week]))
    assert_inert(html, *typed)
    for text in (claim_text, claimant, rationale.strip()):
        assert_shown(html, text)
    document = tmp_path / "report.html"
    call_command("weekly_report", week=week, format="html", output=str(document), stderr=io.StringIO())
    assert_inert(document.read_text(encoding="utf-8"), *typed)
    assert_shown(document.read_text(encoding="utf-8"), rationale.strip())

    report_csv = streamed(checker.get(reverse("claims:report_export", args=[week, "csv"])))
    row = csv_row(assert_spreadsheet_safe(report_csv), claim.pk)
    assert (row[1], row[2], row[8]) == tuple(
        spreadsheet_form(text) for text in (claim_text, claimant, rationale.strip())
    )
    report_json = json.loads(checker.get(reverse("claims:report_export", args=[week, "json"])).content)
    assert rationale.strip() in strings_in(report_json)


@given(affiliation=script_payloads(), description=script_payloads(), outlet=script_payloads(), about=script_payloads())
@BATTERY
def test_what_editors_name_and_describe_is_inert_everywhere(battery_desk, affiliation, description, outlet, about):
    count_case()
    editor, checker = battery_desk.client("editor"), battery_desk.client("fact_checker")
    affiliation, description, outlet = words(affiliation[:120]), description.strip(), outlet.strip()
    typed = (affiliation, description, outlet, about.strip())

    response = editor.post(reverse("claims:affiliation_create"), {"name": affiliation, "description": description})
    assert response.status_code == 302
    created = Affiliation.objects.get(name=affiliation)
    response = editor.post(
        reverse("claims:outlet_update", args=[battery_desk.tass.pk]), {"name": outlet, "affiliation": created.pk}
    )
    assert response.status_code == 302
    html = page(editor, reverse("claims:outlets"))  # the messages of both saves, and the editors' inputs
    assert_inert(html, *typed)
    for text in typed[:3]:
        assert_shown(html, text)
    response = editor.post(
        reverse("claims:claimant_update", args=[battery_desk.claim.claimant_id]),
        {"kind": "official", "affiliation": created.pk, "description": about},
        follow=True,
    )
    assert response.status_code == 200
    assert_inert(response.content.decode(), *typed)
    assert_shown(response.content.decode(), about.strip())

    check_pages(
        checker,
        typed,
        [
            (reverse("claims:outlets"), {}, typed[:3]),
            (reverse("claims:detail", args=[battery_desk.claim.pk]), {}, (affiliation, outlet)),
            (reverse("claims:source", args=[battery_desk.evidence.source_id]), {}, (affiliation, outlet)),
            (reverse("claims:sources"), {}, (affiliation, outlet)),
            (reverse("claims:list"), {}, (affiliation,)),
            (reverse("claims:claimants"), {}, (affiliation,)),
            (reverse("claims:report", args=[this_week()]), {}, (affiliation,)),
        ],
    )
    check_pages(editor, typed, [(reverse("claims:queue"), {}, (affiliation,))])
    rows = assert_spreadsheet_safe(streamed(checker.get(reverse("claims:export"))))
    assert csv_row(rows, battery_desk.claim.pk)[3] == spreadsheet_form(affiliation)


@given(
    claim_text=script_payloads(),
    claimant=script_payloads(),
    title=script_payloads(),
    rating=script_payloads(),
    review_author=script_payloads(),
    file_name=script_payloads(),
    marker=markers(),
)
@example(  # a file name written with HTML entities, which Django decodes on upload
    claim_text="<a href=\"javascript:alert('zqpgliqp459')\">zqpgliqp459</a>",
    claimant='<script>alert("zqazyhn460")</script>',
    title='<script>alert("zqptgmpgn461")</script>',
    rating="\" autofocus onfocus=\"alert('zqkibrpzvj462')",
    review_author='"><img src=x onerror=alert("zqfalse463")>',
    file_name="&lt;script&gt;zqanwl464&amp;",
    marker="zqarygk465",
)
@BATTERY
def test_what_an_imported_file_says_is_inert_everywhere(
    battery_desk, claim_text, claimant, title, rating, review_author, file_name, marker
):
    count_case()
    editor, checker = battery_desk.client("editor"), battery_desk.client("fact_checker")
    reviews = [
        {
            "@type": "ClaimReview",
            "claimReviewed": claim_text,
            "url": f"https://factcheck.example.org/{marker}",
            "name": title,
            "author": {"@type": "Organization", "name": review_author},
            "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": claimant}},
            "reviewRating": {"@type": "Rating", "ratingValue": 1, "alternateName": rating},
        },
        {"@type": "ClaimReview", "claimReviewed": title, "url": f"javascript:alert('{marker}')"},
    ]
    upload = SimpleUploadedFile(f"{file_name}.json", json.dumps(reviews).encode(), content_type="application/json")
    # Django decodes HTML entities in an uploaded file's name (django/http/multipartparser.py): the
    # decoded name is what the desk receives and shows, so that is the text that must be inert.
    typed = (claim_text, claimant, title, rating, review_author, unescape(file_name))

    response = editor.post(reverse("claims:import"), {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert_inert(html, *typed)
    assert "1 created, 0 skipped, 1 rejected" in html
    claim = Claim.objects.get(evidence__source__url=f"https://factcheck.example.org/{marker}")
    check_pages(
        checker,
        typed,
        [
            (reverse("claims:detail", args=[claim.pk]), {}, (words(claim_text), words(claimant), title)),
            (reverse("claims:claimant", args=[claim.claimant_id]), {}, (words(claimant), words(claim_text))),
            (reverse("claims:sources"), {}, (title,)),
            (reverse("claims:list"), {}, (words(claim_text), words(claimant))),
        ],
    )


# Every query parameter the desk reads, by page; the sign-in page reads `next`.
QUERY_PARAMETERS = {
    "claims:list": ["q", "claimant", "tag", "assignee", "priority", "status", "claimed_from", "sort", "after", "page"],
    "claims:export": ["q", "claimant", "tag", "status"],
    "claims:similar": ["text", "exclude"],
    "claims:claimant_suggest": ["claimant", "claimant_name"],
    "claims:claimants": ["q", "page"],
    "claims:sources": ["outlet", "kind", "page"],
    "claims:queue": ["mine"],
    "claims:queue_updates": ["shown", "mine"],
    "claims:report_current": ["week"],
    "login": ["next"],
}


@pytest.mark.parametrize("page_name", QUERY_PARAMETERS)
@given(payload=script_payloads(), htmx=st.booleans())
@BATTERY
def test_query_strings_are_never_reflected_as_markup(battery_desk, page_name, payload, htmx):
    """Every parameter of the page at once: an invalid one makes the page echo the others."""
    count_case()
    browser = battery_desk.client("anonymous" if page_name == "login" else "editor")
    query = dict.fromkeys(QUERY_PARAMETERS[page_name], payload)
    response = browser.get(reverse(page_name), query, headers={"HX-Request": "true"} if htmx else {}, follow=True)
    assert response.status_code in (200, 400)
    body = streamed(response)
    if response["Content-Type"].startswith("text/html"):
        assert_inert(body, payload)
    else:
        assert payload not in body
        if response["Content-Type"].startswith("text/csv"):
            assert_spreadsheet_safe(body)
