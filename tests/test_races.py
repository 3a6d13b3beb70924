"""Two people acting on the same thing at the same moment, against the real database."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.urls import reverse

from claims import workflow
from claims.models import Affiliation, Claim, Decision, Review, ReviewEvent, Stance, Status
from tests.factories import AffiliationFactory, ClaimFactory, EvidenceFactory, ReviewFactory

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


def test_two_editors_deciding_one_review_at_once_exactly_one_wins(fact_checker, editor, second_editor):
    for _ in range(ROUNDS):
        claim = ClaimFactory()
        EvidenceFactory(claim=claim)
        review = ReviewFactory(claim=claim, proposed_by=fact_checker, proposed_status=Status.CORROBORATED)

        outcomes = run_together(
            lambda review=review: workflow.review_approve(review=review, user=editor),
            lambda review=review: workflow.review_return(review=review, user=second_editor, note="Not yet."),
        )

        wins = [outcome for outcome in outcomes if isinstance(outcome, Review)]
        losses = [outcome for outcome in outcomes if isinstance(outcome, workflow.Refused)]
        assert len(wins) == 1 and len(losses) == 1, outcomes
        review.refresh_from_db()
        winner = "Daniel Weber" if review.decision == Decision.APPROVED else "Anna Berg"
        assert f"Already {review.get_decision_display().lower()} by {winner}" in str(losses[0])
        # Written once: one decision in the audit history, and the claim's status matches it.
        assert ReviewEvent.objects.filter(pgh_obj=review, pgh_label="update").count() == 1
        expected = Status.CORROBORATED if review.decision == Decision.APPROVED else Status.UNVERIFIED
        assert Claim.objects.get(pk=claim.pk).status == expected


def test_two_proposals_for_one_claim_at_once_only_one_is_made(fact_checker, second_fact_checker):
    for _ in range(ROUNDS):
        claim = ClaimFactory()
        # Evidence on both sides, so both proposals meet their gates and only the race decides.
        EvidenceFactory(claim=claim, stance=Stance.CORROBORATES)
        EvidenceFactory(claim=claim, stance=Stance.CONTRADICTS)
        outcomes = run_together(
            lambda claim=claim: workflow.review_propose(claim=claim, status="false", rationale="a", user=fact_checker),
            lambda claim=claim: workflow.review_propose(
                claim=claim, status="disputed", rationale="b", user=second_fact_checker
            ),
        )
        assert sum(isinstance(outcome, Review) for outcome in outcomes) == 1, outcomes
        refusal = next(outcome for outcome in outcomes if isinstance(outcome, workflow.Refused))
        assert "already proposed" in str(refusal)
        assert Review.objects.filter(claim=claim).count() == 1


def test_two_fact_checkers_taking_one_claim_at_once_only_one_gets_it(fact_checker, second_fact_checker):
    for _ in range(ROUNDS):
        claim = ClaimFactory()
        outcomes = run_together(
            lambda claim=claim: workflow.claims_assign(claim_ids=[claim.pk], assignee=fact_checker, user=fact_checker),
            lambda claim=claim: workflow.claims_assign(
                claim_ids=[claim.pk], assignee=second_fact_checker, user=second_fact_checker
            ),
        )
        assert sorted(outcome if isinstance(outcome, int) else -1 for outcome in outcomes) == [-1, 1], outcomes
        refusal = next(outcome for outcome in outcomes if isinstance(outcome, workflow.Refused))
        assert "already taken" in str(refusal)
        claim.refresh_from_db()
        assert claim.assignee in (fact_checker, second_fact_checker) and claim.version == 2


def test_two_editors_adding_the_same_affiliation_at_once_get_one_row_and_a_sentence(editor, second_editor):
    for round_number in range(ROUNDS):
        name = f"Moldovan government {round_number}"
        outcomes = run_together(
            lambda name=name: workflow.affiliation_save(
                affiliation=None, user=editor, name=name, description="Chisinau."
            ),
            lambda name=name: workflow.affiliation_save(
                affiliation=None, user=second_editor, name=name, description="Chișinău."
            ),
        )
        assert sum(isinstance(outcome, Affiliation) for outcome in outcomes) == 1, outcomes
        refusal = next(outcome for outcome in outcomes if isinstance(outcome, workflow.Refused))
        assert (str(refusal), refusal.field) == (
            f"An affiliation named “{name}” was just added by someone else.",
            "name",
        )
        assert Affiliation.objects.filter(name=name).count() == 1


def test_the_affiliation_form_says_so_when_the_name_was_taken_after_it_was_checked(editor_client, monkeypatch):
    """The window between the form's uniqueness check and the insert: a 409 beside the name, no row."""
    from claims.forms import AffiliationForm

    AffiliationFactory(name="Belarusian government")
    monkeypatch.setattr(AffiliationForm, "validate_unique", lambda form: None)
    response = editor_client.post(
        reverse("claims:affiliation_create"), {"name": "Belarusian government", "description": "Minsk."}
    )
    assert response.status_code == 409
    assert "was just added by someone else" in response.content.decode()
    assert Affiliation.objects.filter(name="Belarusian government").count() == 1
