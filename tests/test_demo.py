from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from claims.models import Claim, Decision, Review, Status
from claims.workflow import EvidenceSummary, unmet_gate

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def _row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_load_demo_is_idempotent(debug_on):
    call_command("load_demo", stdout=None)
    first = _row_counts()
    call_command("load_demo")
    assert _row_counts() == first  # audit tables included: a rerun writes nothing
    assert first["claims.Claim"] >= 10


def test_load_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")
    assert not Claim.objects.exists()


def test_demo_logins_work(debug_on, rf):
    call_command("load_demo")
    # Sign-ins go through login throttling, which needs the request (its address).
    sign_in = rf.post("/accounts/login/")
    assert authenticate(sign_in, username="factchecker", password="factcheck-demo-2024")
    assert authenticate(sign_in, username="editor", password="editor-demo-2024")


def test_demo_is_set_in_week_20_of_2024(debug_on):
    call_command("load_demo")
    weeks = {claim.created_at.isocalendar()[:2] for claim in Claim.objects.all()}
    assert weeks == {(2024, 20)}


def test_demo_statuses_spread_across_the_scale_and_meet_their_gates(debug_on):
    call_command("load_demo")
    claims = Claim.objects.with_evidence_summary()
    assert {claim.status for claim in claims} == set(Status.values)
    for claim in claims:
        approved = claim.reviews.filter(decision=Decision.APPROVED).order_by("-decided_at").first()
        expected = approved.proposed_status if approved else Status.UNVERIFIED
        assert claim.status == expected, claim.text
        if approved:
            assert unmet_gate(claim.status, EvidenceSummary.of(claim), approved.rationale) == "", claim.text


def test_demo_has_reviews_in_every_state(debug_on):
    call_command("load_demo")
    assert set(Review.objects.values_list("decision", flat=True)) == set(Decision.values)
