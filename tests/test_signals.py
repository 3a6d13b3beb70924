"""The desk's events (claims/signals.py): each write of the workflow tells its signal once, inside its
transaction, and a refused write tells nothing (docs/architecture.md, "Events")."""

from __future__ import annotations

import contextlib

import pytest
from django.db import transaction
from django.utils import timezone

from captures import linkwatch
from claims import signals, workflow
from claims.models import Decision, Review, Stance, Status
from claims.roles import DeskRefusal
from claims.workflow import ClaimantChoice
from tests.capture_server import Page
from tests.factories import ClaimFactory, EvidenceFactory, ReviewFactory
from tests.test_link_watch import decided_claim_citing

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def heard(signal):
    """What `signal` sent while the block ran, each with whether it came inside a transaction."""
    told = []

    def receiver(sender, **kwargs):
        told.append({**kwargs, "in_transaction": transaction.get_connection().in_atomic_block})

    signal.connect(receiver)
    try:
        yield told
    finally:
        signal.disconnect(receiver)


def test_logging_a_claim_tells_once_inside_its_transaction(fact_checker):
    with heard(signals.claim_logged) as told:
        claim = workflow.claim_log(
            user=fact_checker,
            values={"text": "Ten ATACMS missiles were shot down over Crimea.", "claimed_on": "2024-05-15"},
            claimant=ClaimantChoice(name="Russian Ministry of Defence"),
            tags=[],
        )
    assert [(event["claim"], event["by"], event["in_transaction"]) for event in told] == [(claim, fact_checker, True)]


def test_each_review_step_tells_its_decision(fact_checker, editor):
    claim = ClaimFactory()
    EvidenceFactory(claim=claim, stance=Stance.CORROBORATES)
    with heard(signals.review_proposed) as proposed, heard(signals.review_decided) as decided:
        review = workflow.review_propose(
            claim=claim, status=Status.CORROBORATED, rationale="Agency.", user=fact_checker
        )
        workflow.review_return(review=review, user=editor, note="Which agency?")
        again = workflow.review_propose(claim=claim, status=Status.CORROBORATED, rationale="AP.", user=fact_checker)
        workflow.review_withdraw(review=again, user=fact_checker)
        third = workflow.review_propose(claim=claim, status=Status.CORROBORATED, rationale="AP.", user=fact_checker)
        workflow.review_approve(review=third, user=editor)
    assert [event["review"] for event in proposed] == [review, again, third]
    assert [(event["review"].decision, event["by"]) for event in decided] == [
        (Decision.RETURNED, editor),
        (Decision.WITHDRAWN, fact_checker),
        (Decision.APPROVED, editor),
    ]


def test_a_refused_write_tells_nobody(fact_checker, second_fact_checker):
    review = ReviewFactory(proposed_by=fact_checker)
    with heard(signals.review_decided) as told, pytest.raises(DeskRefusal):
        workflow.review_approve(review=review, user=second_fact_checker)  # fact-checkers do not decide
    with heard(signals.review_decided) as told_later, pytest.raises(DeskRefusal):
        workflow.review_return(review=Review.objects.get(pk=review.pk), user=fact_checker, note="")
    assert told == told_later == []


def test_assigning_and_evidence_and_corrections_tell(fact_checker, editor):
    claim = ClaimFactory()
    with heard(signals.claims_assigned) as assigned:
        workflow.claims_assign(claim_ids=[claim.pk], assignee=fact_checker, user=editor)
    assert [(event["claims"], event["assignee"]) for event in assigned] == [([claim], fact_checker)]
    with heard(signals.evidence_added) as added:
        evidence = workflow.evidence_add(
            claim=claim,
            user=fact_checker,
            url="https://example.org/a",
            title="A",
            kind="article",
            stance="corroborates",
        )
    assert [event["evidence"] for event in added] == [evidence]


def test_the_link_watch_tells_when_a_source_is_first_found_at_risk(site):
    _claim, source = decided_claim_citing(site.url("/briefing.html"))
    site.pages["/briefing.html"] = Page(b"gone", status=410)
    with heard(signals.evidence_at_risk) as told:
        linkwatch.check(source.pk)
        linkwatch.check(source.pk)  # still gone: already told
    assert [(event["watch"].source_id, event["by"], event["in_transaction"]) for event in told] == [
        (source.pk, None, True)
    ]


def test_correcting_a_decided_claim_tells(editor, decided_claim):
    claim = decided_claim("Russian forces recaptured Robotyne.", logged=timezone.now(), decided=timezone.now())
    with heard(signals.claim_corrected) as told:
        workflow.claim_update(
            claim=claim,
            user=editor,
            version=claim.version,
            values={"text": "Russian forces entered Robotyne."},
            claimant=ClaimantChoice(name=claim.claimant.name),
            tags=[],
            reason="The ministry said entered.",
        )
    assert [(event["correction"].claim_id, event["by"]) for event in told] == [(claim.pk, editor)]


def test_an_assignee_given_in_the_claim_form_is_told_as_an_assignment(editor, fact_checker):
    with heard(signals.claims_assigned) as told:
        claim = workflow.claim_log(
            user=editor,
            values={"text": "Units moved near Vovchansk.", "claimed_on": "2024-05-15", "assignee": fact_checker},
            claimant=ClaimantChoice(name="General Staff"),
            tags=[],
        )
        workflow.claim_update(
            claim=claim,
            user=editor,
            version=claim.version,
            values={"assignee": editor},
            claimant=ClaimantChoice(name="General Staff"),
            tags=[],
        )
    assert [(event["claims"], event["assignee"]) for event in told] == [([claim], fact_checker), ([claim], editor)]
