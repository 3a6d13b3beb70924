from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Stance
from tests.factories import ClaimFactory, EvidenceFactory, ReviewFactory

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script>'


def test_claim_list_query_count_does_not_grow_with_rows(checker_client, django_assert_max_num_queries):
    def claims_with_evidence(n):
        for claim in ClaimFactory.create_batch(n, assignee=checker_client.session and None):
            EvidenceFactory(claim=claim)
            EvidenceFactory(claim=claim, stance=Stance.CONTRADICTS)

    claims_with_evidence(3)
    with django_assert_max_num_queries(8) as few:
        assert checker_client.get(reverse("claims:list")).status_code == 200
    claims_with_evidence(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert checker_client.get(reverse("claims:list")).status_code == 200


def test_claim_page_query_count_does_not_grow_with_evidence(checker_client, django_assert_max_num_queries):
    claim = ClaimFactory()
    EvidenceFactory(claim=claim)
    ReviewFactory(claim=claim)
    url = reverse("claims:detail", args=[claim.pk])
    with django_assert_max_num_queries(12) as few:
        assert checker_client.get(url).status_code == 200
    EvidenceFactory.create_batch(20, claim=claim)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert checker_client.get(url).status_code == 200


def test_claim_page_groups_evidence_and_shows_the_summary(checker_client):
    claim = ClaimFactory()
    EvidenceFactory(claim=claim, source__title="Agency report")
    EvidenceFactory(claim=claim, stance=Stance.CONTRADICTS, source__title="Satellite image")
    EvidenceFactory(claim=claim, repeats_claimant=True, source__title="State TV relay")
    page = checker_client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "2 corroborating (<strong>1 independent</strong>) · 1 contradicting" in page
    assert "Repeats the claimant" in page
    assert "web.archive.org/web/*/" in page


def test_user_text_is_escaped_everywhere(checker_client):
    claim = ClaimFactory(text=XSS, quote=XSS, claimant__name=XSS)
    EvidenceFactory(claim=claim, excerpt=XSS, note=XSS, source__title=XSS)
    for url in [reverse("claims:list"), reverse("claims:detail", args=[claim.pk])]:
        page = checker_client.get(url).content.decode()
        assert XSS not in page, url
        assert "&lt;script&gt;" in page, url


def test_list_answers_htmx_with_the_results_fragment(checker_client):
    ClaimFactory(text="Drones over Belgorod")
    response = checker_client.get(reverse("claims:list"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="results"' in body
    assert "Drones over Belgorod" in body
    assert "<html" not in body


def test_base_page_loads_htmx_and_sends_the_csrf_token(checker_client):
    page = checker_client.get(reverse("claims:dashboard")).content.decode()
    assert "htmx" in page and "<script" in page
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
