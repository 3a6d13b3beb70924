"""Regression tests for the bugs the hostile-input battery found, one focused test (or two) each."""

from __future__ import annotations

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from claims.models import Affiliation, Claim, Decision, Evidence, Source, Status
from tests.factories import ClaimantFactory, ClaimFactory, OutletFactory, ReviewFactory, claim_form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["https://[example.org/a", "https://evil.example／reuters.com/a", "https://a＠b.org/"])
def test_addresses_the_url_parser_rejects_are_a_form_error_not_a_500(fact_checker_client, url):
    claim = ClaimFactory()
    response = fact_checker_client.post(
        reverse("claims:evidence_add", args=[claim.pk]), {"url": url, "kind": "article", "stance": "context"}
    )
    assert response.status_code == 422 and "This is not a web address" in response.content.decode()
    assert not Evidence.objects.exists()


def test_an_imported_review_with_such_an_address_is_rejected_alone(editor_client):
    review = {
        "@type": "ClaimReview",
        "claimReviewed": "Ten missiles were shot down.",
        "url": "https://[factcheck.example/1",
        "itemReviewed": {"author": {"name": "A spokesman"}},
    }
    upload = SimpleUploadedFile("review.json", json.dumps(review).encode(), content_type="application/json")
    response = editor_client.post(reverse("claims:import"), {"file": upload})
    assert response.status_code == 200 and "0 created, 0 skipped, 1 rejected" in response.content.decode()
    assert not Source.objects.exists()


@pytest.mark.parametrize("host", ["taß.ru", "TAẞ.ru", "taς.ru", "ta\u200dss.ru"])
def test_a_host_python_and_browsers_read_differently_is_refused(fact_checker_client, host):
    """Python's IDNA 2003 reads taß.ru as tass.ru; a browser visits xn--ta-jia.ru, someone else's site."""
    OutletFactory(domain="tass.ru", name="TASS")
    claim = ClaimFactory()
    response = fact_checker_client.post(
        reverse("claims:evidence_add", args=[claim.pk]),
        {"url": f"https://{host}/politics/1", "kind": "article", "stance": "corroborates"},
    )
    assert response.status_code == 422 and "which browsers read as another site" in response.content.decode()
    assert not Source.objects.filter(outlet__domain="tass.ru").exists()


def test_the_same_host_in_its_ascii_form_is_another_outlet(fact_checker_client):
    tass = OutletFactory(domain="tass.ru", name="TASS")
    claim = ClaimFactory()
    response = fact_checker_client.post(
        reverse("claims:evidence_add", args=[claim.pk]),
        {"url": "https://xn--ta-jia.ru/politics/1", "kind": "article", "stance": "corroborates"},
    )
    assert response.status_code == 302
    source = Source.objects.get(url="https://xn--ta-jia.ru/politics/1")
    assert source.outlet != tass and source.outlet.domain == "xn--ta-jia.ru" and source.outlet.affiliation is None


def test_a_claims_origin_on_a_look_alike_domain_is_stored_in_ascii(fact_checker_client):
    response = fact_checker_client.post(
        reverse("claims:create"),
        claim_form_data(origin_url="https://reut\u0435rs.com/world/1"),  # a Cyrillic e
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.origin_url == "https://xn--reutrs-6of.com/world/1"
    assert (
        'href="https://xn--reutrs-6of.com/world/1"'
        in fact_checker_client.get(claim.get_absolute_url()).content.decode()
    )


def test_a_claimants_website_on_a_look_alike_domain_is_stored_in_ascii(editor_client):
    claimant = ClaimantFactory()
    response = editor_client.post(
        reverse("claims:claimant_update", args=[claimant.pk]), {"kind": "official", "url": "https://m\u0456l.ru/"}
    )
    assert response.status_code == 302
    claimant.refresh_from_db()
    assert claimant.url == "https://xn--ml-hoc.ru/"


def test_an_origin_browsers_would_read_as_another_host_is_refused(fact_checker_client):
    response = fact_checker_client.post(reverse("claims:create"), claim_form_data(origin_url="https://taß.ru/1"))
    assert response.status_code == 422 and not Claim.objects.exists()


@pytest.mark.parametrize("number", ["Infinity", "-Infinity", "NaN", "1e400"])
@pytest.mark.parametrize("sort", ["newest", "priority"])
def test_a_cursor_with_an_infinite_number_gives_the_first_page(fact_checker_client, sort, number):
    ClaimFactory.create_batch(2)
    values = {"newest": f'["2024-05-15T00:00:00+00:00", {number}]', "priority": f'[{number}, "2024-05-15", 1]'}[sort]
    cursor = base64.urlsafe_b64encode(values.encode()).decode().rstrip("=")
    response = fact_checker_client.get(reverse("claims:list"), {"sort": sort, "after": cursor})
    assert response.status_code == 200 and len(response.context["claims"]) == 2


@pytest.mark.parametrize("decision", ["approve", "return"])
@pytest.mark.parametrize("note", ["Needs a second\x00source.", "x" * 1_000_000])
def test_a_decision_note_with_a_nul_byte_or_over_its_limit_is_refused(editor_client, fact_checker, decision, note):
    review = ReviewFactory(proposed_by=fact_checker, proposed_status=Status.UNVERIFIABLE)
    response = editor_client.post(reverse(f"claims:{decision}", args=[review.pk]), {"note": note})
    assert response.status_code == 422
    review.refresh_from_db()
    assert review.decision == Decision.PENDING and review.events.count() == 1  # only its creation


def test_the_queue_says_why_beside_the_row(editor_client, fact_checker):
    review = ReviewFactory(proposed_by=fact_checker, proposed_status=Status.UNVERIFIABLE)
    response = editor_client.post(
        reverse("claims:return", args=[review.pk]),
        {"note": "y" * 5001, "from": "queue"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert f'id="review-{review.pk}"' in response.content.decode()
    assert "at most 5000 characters" in response.content.decode()


def test_a_note_at_its_limit_is_taken(editor_client, fact_checker):
    review = ReviewFactory(proposed_by=fact_checker, proposed_status=Status.UNVERIFIABLE)
    response = editor_client.post(reverse("claims:return", args=[review.pk]), {"note": "z" * 5000})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.decision == Decision.RETURNED and len(review.decision_note) == 5000


@pytest.mark.parametrize("typed", ["Minis\x00try", "\x00", "M" * 201])
def test_a_claimant_search_with_a_nul_byte_or_too_long_is_a_400(fact_checker_client, typed):
    ClaimantFactory(name="Ministry of Defence")
    response = fact_checker_client.get(reverse("claims:claimants"), {"q": typed})
    assert response.status_code == 400 and "Ministry of Defence" not in response.content.decode()
    assert 'class="message message-error"' in response.content.decode()


@pytest.mark.parametrize("parameter", ["claimant", "claimant_name"])
def test_the_claimant_typeahead_answers_a_nul_byte_with_a_400(fact_checker_client, parameter):
    ClaimantFactory(name="Ministry of Defence")
    response = fact_checker_client.get(reverse("claims:claimant_suggest"), {parameter: "Minis\x00"})
    assert response.status_code == 400 and b"<option" not in response.content


def test_claimant_searches_still_find_names(fact_checker_client):
    ClaimantFactory(name="Ministry of Defence")
    listed = fact_checker_client.get(reverse("claims:claimants"), {"q": "  ministry   of "})
    assert listed.status_code == 200 and "Ministry of Defence" in listed.content.decode()
    suggested = fact_checker_client.get(reverse("claims:claimant_suggest"), {"claimant": "minis"})
    assert b'<option value="Ministry of Defence">' in suggested.content


MANY_WORDS = " ".join(f"w{number}x" for number in range(125_000))[:1_000_000]


@pytest.mark.parametrize("quote", [MANY_WORDS, "a" * 10_001])
def test_a_quote_over_its_limit_is_a_form_error(fact_checker_client, quote):
    """A megabyte of words overflowed the search vector (a 500); one long word was stored."""
    response = fact_checker_client.post(reverse("claims:create"), claim_form_data(quote=quote))
    assert response.status_code == 422 and "at most 10000 characters" in response.content.decode()
    assert not Claim.objects.exists()


def test_a_quote_at_its_limit_is_taken(fact_checker_client):
    response = fact_checker_client.post(reverse("claims:create"), claim_form_data(quote=MANY_WORDS[:10_000]))
    assert response.status_code == 302 and len(Claim.objects.get().quote) == 10_000


def test_a_claimant_description_over_its_limit_is_a_form_error(editor_client):
    claimant = ClaimantFactory(description="")
    response = editor_client.post(
        reverse("claims:claimant_update", args=[claimant.pk]), {"kind": "official", "description": "d" * 5001}
    )
    assert response.status_code == 422
    claimant.refresh_from_db()
    assert claimant.description == ""


def test_an_affiliation_description_over_its_limit_is_a_form_error(editor_client):
    response = editor_client.post(
        reverse("claims:affiliation_create"), {"name": "Observers", "description": "d" * 1001}
    )
    assert response.status_code == 422 and not Affiliation.objects.filter(name="Observers").exists()


@pytest.mark.parametrize("refused", [{"status": "rumour"}, {"claimed_from": "2024-13-01"}, {"tag": "no such tag"}])
def test_a_search_with_a_refused_filter_is_a_400_not_a_500(fact_checker_client, refused):
    """The search was not run, so ordering its (empty) results by relevance had no rank to use."""
    ClaimFactory(text="Forces took Robotyne.")
    response = fact_checker_client.get(reverse("claims:list"), {"q": "forces", **refused})
    assert response.status_code == 400 and response.context["claims"] == []
    htmx = fact_checker_client.get(reverse("claims:list"), {"q": "forces", **refused}, headers={"HX-Request": "true"})
    assert htmx.status_code == 400
