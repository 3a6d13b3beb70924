from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Claim, Stance, Status
from tests.factories import ClaimFactory, EvidenceFactory, ReviewFactory
from tests.queries import assert_query_count_stays_flat

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script>'


def test_claim_list_query_count_does_not_grow_with_rows(fact_checker_client):
    def claims_with_evidence(n):
        for claim in ClaimFactory.create_batch(n, tags=["Kharkiv"]):
            EvidenceFactory(claim=claim)
            EvidenceFactory(claim=claim, stance=Stance.CONTRADICTS)

    claims_with_evidence(5)
    assert_query_count_stays_flat(fact_checker_client, reverse("claims:list"), lambda: claims_with_evidence(45))


def test_claim_page_query_count_does_not_grow_with_evidence(fact_checker_client):
    claim = ClaimFactory()
    EvidenceFactory.create_batch(5, claim=claim)
    ReviewFactory(claim=claim)
    url = reverse("claims:detail", args=[claim.pk])
    assert_query_count_stays_flat(fact_checker_client, url, lambda: EvidenceFactory.create_batch(45, claim=claim))


def test_claim_page_groups_evidence_and_shows_the_summary(fact_checker_client):
    claim = ClaimFactory()
    EvidenceFactory(claim=claim, source__title="Agency report")
    EvidenceFactory(claim=claim, stance=Stance.CONTRADICTS, source__title="Satellite image")
    EvidenceFactory(claim=claim, repeats_claimant=True, source__title="State TV relay")
    page = fact_checker_client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "2 corroborating (<strong>1 independent</strong>) · 1 contradicting" in page
    assert "Repeats the claimant" in page
    assert "web.archive.org/web/*/" in page


def test_user_text_is_escaped_everywhere(fact_checker_client):
    claim = ClaimFactory(text=XSS, quote=XSS, claimant__name=XSS)
    EvidenceFactory(claim=claim, excerpt=XSS, note=XSS, source__title=XSS)
    for url in [reverse("claims:list"), reverse("claims:detail", args=[claim.pk])]:
        page = fact_checker_client.get(url).content.decode()
        assert XSS not in page, url
        assert "&lt;script&gt;" in page, url


def test_list_answers_htmx_with_the_results_fragment(fact_checker_client):
    ClaimFactory(text="Drones over Belgorod")
    response = fact_checker_client.get(reverse("claims:list"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="results"' in body
    assert "Drones over Belgorod" in body
    assert "<html" not in body


def test_base_page_loads_htmx_and_sends_the_csrf_token(fact_checker_client):
    page = fact_checker_client.get(reverse("claims:dashboard")).content.decode()
    assert "htmx" in page and "<script" in page
    assert 'hx-headers=\'{"X-CSRFToken": "' in page


def test_list_filters_by_one_or_several_statuses(fact_checker_client):
    ClaimFactory(text="Still unverified")
    claim = ClaimFactory(text="Shown as false")
    Claim.objects.filter(pk=claim.pk).update(status=Status.FALSE)
    page = fact_checker_client.get(reverse("claims:list"), {"status": "false"}).content.decode()
    assert "Shown as false" in page and "Still unverified" not in page
    page = fact_checker_client.get(reverse("claims:list") + "?status=false&status=unverified").content.decode()
    assert "Shown as false" in page and "Still unverified" in page


def test_list_explains_an_unknown_status_filter(fact_checker_client):
    ClaimFactory(text="Anything")
    response = fact_checker_client.get(reverse("claims:list"), {"status": "probably"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Select a valid choice" in page
    assert "Anything" not in page


def test_keyset_pages_walk_the_whole_list_once_keeping_the_filters(fact_checker_client):
    ClaimFactory.create_batch(120, text="Shelling reported")
    seen, url = [], reverse("claims:list") + "?status=unverified&sort=oldest"
    while url:
        response = fact_checker_client.get(url)
        seen += [claim.pk for claim in response.context["claims"]]
        next_query = response.context["next_query"]
        assert not next_query or "status=unverified" in next_query
        url = reverse("claims:list") + "?" + next_query if next_query else ""
    assert seen == sorted(Claim.objects.values_list("pk", flat=True))


def test_a_forged_cursor_falls_back_to_the_first_page(fact_checker_client):
    ClaimFactory.create_batch(3)
    for cursor in ["garbage", "WyJ4Il0", "W10"]:
        response = fact_checker_client.get(reverse("claims:list"), {"after": cursor})
        assert response.status_code == 200
        assert len(response.context["claims"]) == 3


def test_dashboard_query_count_does_not_grow_with_assigned_claims(fact_checker, fact_checker_client):
    ClaimFactory.create_batch(2, assignee=fact_checker)
    assert_query_count_stays_flat(
        fact_checker_client, reverse("claims:dashboard"), lambda: ClaimFactory.create_batch(8, assignee=fact_checker)
    )
