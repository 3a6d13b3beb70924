"""Odd input and odd moments: each gets a clear answer, never a 500, and writes nothing."""

from __future__ import annotations

import base64
import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from claims.models import Claim, Evidence, Review
from tests.factories import ClaimFactory, claim_form_data

pytestmark = pytest.mark.django_db


def cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("values", [[None, None], [[1], {"a": 1}], [True, 3], ["not a date", 1]])
def test_forged_cursors_fall_back_to_the_first_page(fact_checker_client, values):
    ClaimFactory.create_batch(2)
    response = fact_checker_client.get(reverse("claims:list"), {"after": cursor(values)})
    assert response.status_code == 200 and len(response.context["claims"]) == 2


def test_search_results_page_through_offsets(fact_checker_client):
    ClaimFactory.create_batch(55, text="Shelling near Vovchansk")
    first = fact_checker_client.get(reverse("claims:list"), {"q": "vovchansk"})
    assert len(first.context["claims"]) == 50 and "page=2" in first.context["next_query"]
    second = fact_checker_client.get(reverse("claims:list"), {"q": "vovchansk", "page": "2"})
    assert len(second.context["claims"]) == 5 and not second.context["next_query"]


@pytest.mark.parametrize("claimant", ["\x00", "a" * 500])
def test_impossible_claimant_names_in_the_url_are_a_400(fact_checker_client, claimant):
    assert fact_checker_client.get(reverse("claims:list"), {"claimant": claimant}).status_code == 400


@pytest.mark.parametrize("exclude", ["²", "-1", "99999999999999999999", "x"])
def test_duplicate_guard_copes_with_odd_ids(fact_checker_client, exclude):
    ClaimFactory(text="Russian air defences shot down ten missiles over Crimea")
    response = fact_checker_client.get(
        reverse("claims:similar"), {"text": "air defences shot down missiles", "exclude": exclude}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://" + ".".join(["a" * 60] * 5) + "/x", "too long to be real"),
        ("https://example.org/" + "я" * 400, "The address is too long"),
        ("https://" + "a" * 64 + ".com/", "invalid host name"),
    ],
)
def test_over_long_addresses_are_refused_beside_the_field(fact_checker_client, url, message):
    claim = ClaimFactory()
    response = fact_checker_client.post(
        reverse("claims:evidence_add", args=[claim.pk]), {"url": url, "kind": "article", "stance": "corroborates"}
    )
    assert response.status_code == 422 and message in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_failed_evidence_add_leaves_the_proposal_form_alone(fact_checker_client):
    claim = ClaimFactory()
    response = fact_checker_client.post(
        reverse("claims:evidence_add", args=[claim.pk]),
        {"url": "javascript:x", "stance": "corroborates"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert 'id="gates"' not in response.content.decode() and "hx-swap-oob" not in response.content.decode()


def test_a_view_only_account_cannot_write(client, outsider):
    outsider.user_permissions.add(Permission.objects.get(codename="view_claim"))  # may read claims, nothing more
    claim = ClaimFactory()
    client.force_login(outsider)
    assert client.get(claim.get_absolute_url()).status_code == 200
    posts = [
        (reverse("claims:create"), claim_form_data(text="x", claimant_name="y")),
        (reverse("claims:edit", args=[claim.pk]), claim_form_data(text="x", claimant_name="y")),
        (reverse("claims:evidence_add", args=[claim.pk]), {"url": "https://a.org/x", "stance": "corroborates"}),
        (reverse("claims:propose", args=[claim.pk]), {"status": "false", "rationale": "x"}),
        (reverse("claims:assign"), {"claims": [claim.pk], "assignee": ""}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert Claim.objects.count() == 1 and not Evidence.objects.exists() and not Review.objects.exists()


def test_anonymous_writes_go_to_login(client):
    claim = ClaimFactory()
    for url in [
        reverse("claims:edit", args=[claim.pk]),
        reverse("claims:propose", args=[claim.pk]),
        reverse("claims:evidence_add", args=[claim.pk]),
    ]:
        response = client.post(url, {})
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_an_expired_session_inside_htmx_sends_the_whole_page_to_login(client):
    claim = ClaimFactory()
    response = client.post(
        reverse("claims:evidence_add", args=[claim.pk]),
        {},
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{claim.get_absolute_url()}"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/accounts/login/?next=%2Fclaims%2F{claim.pk}%2F"


def test_pages_that_answer_htmx_with_fragments_vary_on_it(fact_checker_client):
    for url in [reverse("claims:list"), reverse("claims:dashboard")]:
        assert "HX-Request" in fact_checker_client.get(url)["Vary"]


def test_a_history_restore_gets_the_whole_page(fact_checker_client):
    response = fact_checker_client.get(
        reverse("claims:list"), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_an_edit_without_its_version_is_refused_not_taken_for_a_conflict(fact_checker_client):
    claim = ClaimFactory(text="Unchanged")
    data = claim_form_data(text="Changed", claimant_name=claim.claimant.name)
    response = fact_checker_client.post(reverse("claims:edit", args=[claim.pk]), data)
    assert response.status_code == 422
    assert "open the edit page of this claim again" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).text == "Unchanged"
