from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import path, reverse

from claims.models import Claim, Decision, Stance, Status
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
    assert f'href="https://web.archive.org/web/{claim.evidence.first().source.url}"' in page  # the newest copy


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


def test_pages_that_answer_htmx_with_fragments_vary_on_it(fact_checker_client):
    for url in [reverse("claims:list"), reverse("claims:dashboard")]:
        assert "HX-Request" in fact_checker_client.get(url)["Vary"]


def test_a_history_restore_gets_the_whole_page(fact_checker_client):
    response = fact_checker_client.get(
        reverse("claims:list"), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


# --- Headers every page carries (docs/security.md) -------------------------------------------------------


def test_pages_carry_a_content_security_policy_without_inline_code_or_eval(fact_checker_client):
    policy = fact_checker_client.get(reverse("claims:list"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in policy


def test_security_headers(fact_checker_client):
    response = fact_checker_client.get(reverse("claims:list"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_htmx_is_configured_to_need_no_eval_or_inline_styles(fact_checker_client):
    page = fact_checker_client.get(reverse("claims:list")).content.decode()
    config_start = page.index('name="htmx-config" content=\'') + len('name="htmx-config" content=\'')
    config = json.loads(page[config_start : page.index("'>", config_start)])
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    assert config["includeIndicatorStyles"] is False
    assert "<script>" not in page and " style=" not in page


# --- Error pages that leak nothing (docs/security.md) ----------------------------------------------------


def test_not_found_page_is_the_desks_own_and_echoes_nothing(fact_checker_client, settings):
    settings.DEBUG = False
    response = fact_checker_client.get("/claims/no-such-thing-zq7/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "There is nothing at this address" in page
    assert "zq7" not in page
    assert "Page not found" not in page  # Django's own page would say this


def test_forbidden_page_shows_the_desks_refusal(client, settings, outsider):
    settings.DEBUG = False
    client.force_login(outsider)
    response = client.get(reverse("claims:list"))
    assert response.status_code == 403
    assert "Your account has no role on this desk" in response.content.decode()


def test_fact_checker_approving_gets_the_403_page_with_the_reason(fact_checker_client, settings):
    settings.DEBUG = False
    review = ReviewFactory(proposed_status=Status.DISPUTED)
    response = fact_checker_client.post(reverse("claims:approve", args=[review.pk]))
    assert response.status_code == 403
    assert "Only editors approve or return proposals." in response.content.decode()
    review.refresh_from_db()
    assert review.decision == Decision.PENDING


def test_a_form_without_its_csrf_token_gets_a_plain_explanation(settings):
    settings.DEBUG = False
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "a", "password": "b"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "This form could not be accepted" in page
    assert "CSRF verification failed" not in page  # Django's own wording


def _explode(request):
    raise RuntimeError("database password is swordfish")


# This module is the URLconf of test_server_error_page_leaks_nothing: one view that fails.
urlpatterns = [path("explode/", _explode)]
handler500 = "django.views.defaults.server_error"


def test_server_error_page_leaks_nothing(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/explode/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "swordfish" not in page and "Traceback" not in page and "RuntimeError" not in page


def test_every_page_names_its_icon_and_favicon_ico_leads_to_it(client, fact_checker_client):
    page = fact_checker_client.get(reverse("claims:dashboard")).content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/img/favicon.svg"
    from django.contrib.staticfiles import finders

    assert finders.find("img/favicon.svg")  # collected with the other static files
