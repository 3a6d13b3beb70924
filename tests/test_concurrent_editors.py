"""Two editors working on the same claim at the same instant, through the pages they use.

tests/test_races.py calls the workflow functions directly; these tests go through the HTTP views (the edit
form with its optimistic locking, the approve and return buttons), so the locking, the conflict page and the
audit triggers are all exercised together. Each scenario is repeated many times because a race that is lost
only now and then is still a lost update.
"""

from __future__ import annotations

import re
from functools import partial

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from claims.forms import ClaimForm
from claims.models import Claim, ClaimEvent, Decision, Evidence, ReviewEvent, Stance, Status
from tests.factories import ClaimantFactory, ClaimFactory, ReviewFactory, SourceFactory
from tests.test_races import run_together

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 100


@pytest.fixture
def two_editors_desk(editor, second_editor):
    """A browser for each of the two editors, signed in, and a claimant and an independent source shared
    by every round, so each round only creates its own claim."""
    browsers = {}
    for person in (editor, second_editor):
        browsers[person] = Client()
        browsers[person].force_login(person)
    return {
        "browsers": browsers,
        "claimant": ClaimantFactory(name="Ministry of Defence"),
        # Its outlet has an affiliation of its own, so the evidence counts as independent.
        "source": SourceFactory(),
    }


def opened_form(claim: Claim, user, **typed) -> dict:
    """What the edit page posts: the form as it opened for this claim, with what the person typed."""
    form = ClaimForm(instance=claim, user=user)
    data = {field.name: "" if field.value() is None else field.value() for field in form}
    return {**data, **typed}


def claim_events(claim: Claim) -> int:
    return ClaimEvent.objects.filter(pgh_obj_id=claim.pk).count()


def review_decisions(review) -> int:
    return ReviewEvent.objects.filter(pgh_obj_id=review.pk, pgh_label="update").count()


def hidden_version(page: str) -> int:
    return int(re.search(r'name="version" value="(\d+)"', page).group(1))


def change_row(field: str, before: str, after: str) -> str:
    """A row of the conflict table: which field the other editor changed, from what, to what."""
    return f'<tr><th scope="row">{field}</th><td>{escape(before)}</td><td>{escape(after)}</td></tr>'


def as_responses(outcomes: list) -> list[HttpResponse]:
    # The test client re-raises a view's exception, so a 500 shows up here as an exception.
    assert all(isinstance(outcome, HttpResponse) for outcome in outcomes), outcomes
    return outcomes


# What the conflict table calls each field the tests change.
LABELS = {"text": "Text", "event_place": "Event place"}


@pytest.mark.parametrize("second_editors_field", ["text", "event_place"], ids=["same field", "different fields"])
def test_two_editors_saving_one_claim_at_once_one_is_saved_and_the_other_is_told(
    two_editors_desk, editor, second_editor, second_editors_field
):
    for round_number in range(ROUNDS):
        claim = ClaimFactory(claimant=two_editors_desk["claimant"])
        typed = {
            editor: {"text": f"Daniel says forces took village {round_number}."},
            second_editor: {second_editors_field: f"Anna writes round {round_number} & more"},
        }
        # Both opened the form at the same version, then pressed Save at the same instant.
        posts = {person: opened_form(claim, person, **typed[person]) for person in (editor, second_editor)}
        events_before = claim_events(claim)
        url = reverse("claims:edit", args=[claim.pk])
        outcomes = run_together(
            *(
                partial(two_editors_desk["browsers"][person].post, url, posts[person])
                for person in (editor, second_editor)
            )
        )
        responses = dict(zip((editor, second_editor), as_responses(outcomes), strict=True))

        assert sorted(response.status_code for response in responses.values()) == [302, 409], responses
        winner = editor if responses[editor].status_code == 302 else second_editor
        loser = second_editor if winner == editor else editor

        # The stored claim is the winner's form exactly: nothing of the loser's is merged in.
        saved = Claim.objects.get(pk=claim.pk)
        for name in Claim.EDITABLE_FIELDS:
            attname = Claim._meta.get_field(name).attname
            assert getattr(saved, attname) == typed[winner].get(name, getattr(claim, attname)), name
        assert (saved.version, saved.updated_by) == (2, winner)

        # One save, one audit row, and it is the winner's.
        assert claim_events(claim) - events_before == 1
        event = ClaimEvent.objects.get(pgh_obj_id=claim.pk, pgh_label="update")
        assert (event.version, event.updated_by_id) == (2, winner.pk)

        # The loser is told who saved and what they changed, keeps what they typed, and can save
        # again knowingly against the new version.
        page = responses[loser].content.decode()
        assert f"{winner.get_full_name()} saved this claim while you were editing" in page
        for name, value in typed[winner].items():
            assert change_row(LABELS[name], getattr(claim, name) or "—", value) in page
        for value in typed[loser].values():
            assert escape(value) in page
        assert hidden_version(page) == 2


def test_approving_while_another_editor_edits_keeps_both_changes(two_editors_desk, editor, second_editor, fact_checker):
    browsers = two_editors_desk["browsers"]
    for round_number in range(ROUNDS):
        claim = ClaimFactory(claimant=two_editors_desk["claimant"])
        Evidence.objects.create(claim=claim, source=two_editors_desk["source"], stance=Stance.CORROBORATES)
        review = ReviewFactory(claim=claim, proposed_by=fact_checker, proposed_status=Status.CORROBORATED)
        edited_text = f"Forces took village {round_number}, in Anna's wording."
        edit = opened_form(claim, second_editor, text=edited_text)
        events_before, decisions_before = claim_events(claim), review_decisions(review)

        approval, edit_response = as_responses(
            run_together(
                partial(browsers[editor].post, reverse("claims:approve", args=[review.pk])),
                partial(browsers[second_editor].post, reverse("claims:edit", args=[claim.pk]), edit),
            )
        )

        # The approval always goes through. The rewording goes through when it was saved first; saved
        # after the verdict, it would change what the verdict is about, so it waits for a reason to
        # publish as a correction (422, nothing written) instead of drifting silently.
        assert approval.status_code == 302
        assert edit_response.status_code in (302, 422)
        saved = Claim.objects.get(pk=claim.pk)
        review.refresh_from_db()
        assert (review.decision, review.decided_by, saved.status) == (Decision.APPROVED, editor, Status.CORROBORATED)
        assert review_decisions(review) - decisions_before == 1
        new_events = list(ClaimEvent.objects.filter(pgh_obj_id=claim.pk).order_by("pgh_id"))[events_before:]
        if edit_response.status_code == 302:
            # One claim row for the edit, then one for the status; the later one holds both changes.
            assert (saved.text, saved.version) == (edited_text, 2)
            assert [event.updated_by_id for event in new_events] == [second_editor.pk, editor.pk]
            assert (new_events[-1].status, new_events[-1].text) == (Status.CORROBORATED, edited_text)
        else:
            assert "Say why: this claim has a verdict" in edit_response.content.decode()
            assert (saved.text, saved.version) == (claim.text, 1)
            assert [event.updated_by_id for event in new_events] == [editor.pk]


def test_approve_and_return_pressed_at_once_one_wins_and_the_other_is_told(
    two_editors_desk, editor, second_editor, fact_checker
):
    browsers = two_editors_desk["browsers"]
    for round_number in range(ROUNDS):
        # The editors swap buttons every round, so either decision and either person can win.
        approver, returner = (editor, second_editor) if round_number % 2 == 0 else (second_editor, editor)
        claim = ClaimFactory(claimant=two_editors_desk["claimant"])
        Evidence.objects.create(claim=claim, source=two_editors_desk["source"], stance=Stance.CORROBORATES)
        review = ReviewFactory(claim=claim, proposed_by=fact_checker, proposed_status=Status.CORROBORATED)
        events_before, decisions_before = claim_events(claim), review_decisions(review)

        approval, return_response = as_responses(
            run_together(
                partial(browsers[approver].post, reverse("claims:approve", args=[review.pk])),
                partial(browsers[returner].post, reverse("claims:return", args=[review.pk]), {"note": "A 2nd source."}),
            )
        )

        review.refresh_from_db()
        if review.decision == Decision.APPROVED:
            winner, how, won, lost, status = approver, "approved", approval, return_response, Status.CORROBORATED
        else:
            winner, how, won, lost, status = returner, "returned", return_response, approval, Status.UNVERIFIED
        assert (won.status_code, lost.status_code) == (302, 409)
        assert f"Already {how} by {winner.get_full_name()}" in lost.content.decode()
        assert review.decided_by == winner
        assert Claim.objects.get(pk=claim.pk).status == status
        # Decided once: one decision row, and one claim row (the status, or the return's activity stamp).
        assert review_decisions(review) - decisions_before == 1
        assert claim_events(claim) - events_before == 1
