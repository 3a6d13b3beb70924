"""Two people acting on the same thing at the same moment, against the real database."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from claims import workflow
from claims.models import Claim, Decision, Review, ReviewEvent, Stance, Status
from tests.factories import ClaimFactory, EvidenceFactory, ReviewFactory, editor, fact_checker

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 20


def run_together(*actions):
    """Start the actions in threads released at the same instant; return what each returned or raised."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = action()
        except Exception as error:  # the loser's refusal is an outcome, not a failure
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, action)) for index, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_editors_deciding_one_review_at_once_exactly_one_wins():
    checker = fact_checker(username="olena")
    anna = editor(username="anna", first_name="Anna", last_name="Berg")
    ben = editor(username="ben", first_name="Ben", last_name="Cole")
    for _ in range(ROUNDS):
        claim = ClaimFactory()
        EvidenceFactory(claim=claim)
        review = ReviewFactory(claim=claim, proposed_by=checker, proposed_status=Status.CORROBORATED)

        outcomes = run_together(
            lambda review=review: workflow.review_approve(review=review, user=anna),
            lambda review=review: workflow.review_return(review=review, user=ben, note="Not yet."),
        )

        wins = [outcome for outcome in outcomes if isinstance(outcome, Review)]
        losses = [outcome for outcome in outcomes if isinstance(outcome, workflow.Refused)]
        assert len(wins) == 1 and len(losses) == 1, outcomes
        review.refresh_from_db()
        winner = "Anna Berg" if review.decision == Decision.APPROVED else "Ben Cole"
        assert f"Already {review.get_decision_display().lower()} by {winner}" in str(losses[0])
        # Written once: one decision in the audit history, and the claim's status matches it.
        assert ReviewEvent.objects.filter(pgh_obj=review, pgh_label="update").count() == 1
        expected = Status.CORROBORATED if review.decision == Decision.APPROVED else Status.UNVERIFIED
        assert Claim.objects.get(pk=claim.pk).status == expected


def test_two_proposals_for_one_claim_at_once_only_one_is_made():
    olena, petro = fact_checker(username="olena"), fact_checker(username="petro")
    for _ in range(ROUNDS):
        claim = ClaimFactory()
        # Evidence on both sides, so both proposals meet their gates and only the race decides.
        EvidenceFactory(claim=claim, stance=Stance.CORROBORATES)
        EvidenceFactory(claim=claim, stance=Stance.CONTRADICTS)
        outcomes = run_together(
            lambda claim=claim: workflow.review_propose(claim=claim, status="false", rationale="a", user=olena),
            lambda claim=claim: workflow.review_propose(claim=claim, status="disputed", rationale="b", user=petro),
        )
        assert sum(isinstance(outcome, Review) for outcome in outcomes) == 1, outcomes
        refusal = next(outcome for outcome in outcomes if isinstance(outcome, workflow.Refused))
        assert "already proposed" in str(refusal)
        assert Review.objects.filter(claim=claim).count() == 1


def test_two_fact_checkers_taking_one_claim_at_once_only_one_gets_it():
    olena, petro = fact_checker(username="olena"), fact_checker(username="petro")
    for _ in range(ROUNDS):
        claim = ClaimFactory()
        outcomes = run_together(
            lambda claim=claim: workflow.claims_assign(claim_ids=[claim.pk], assignee=olena, user=olena),
            lambda claim=claim: workflow.claims_assign(claim_ids=[claim.pk], assignee=petro, user=petro),
        )
        assert sorted(outcome if isinstance(outcome, int) else -1 for outcome in outcomes) == [-1, 1], outcomes
        refusal = next(outcome for outcome in outcomes if isinstance(outcome, workflow.Refused))
        assert "already taken" in str(refusal)
        claim.refresh_from_db()
        assert claim.assignee in (olena, petro) and claim.version == 2
