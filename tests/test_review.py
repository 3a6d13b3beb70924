from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Claim, Decision, Review, Stance, Status
from tests.factories import (
    AffiliationFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    ReviewFactory,
    SourceFactory,
)
from tests.queries import assert_query_count_stays_flat

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(fact_checker):
    """A fact-checker's proposal of "corroborated", backed by one independent source."""
    claim = ClaimFactory(text="Seventeen drones over Belgorod")
    EvidenceFactory(claim=claim)
    return ReviewFactory(claim=claim, proposed_by=fact_checker, proposed_status=Status.CORROBORATED)


def approve(client, review, **data):
    return client.post(reverse("claims:approve", args=[review.pk]), data)


def test_an_editor_approves_and_the_claim_takes_the_status(editor_client, editor, proposal):
    response = approve(editor_client, proposal)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.decision, proposal.decided_by) == (Decision.APPROVED, editor)
    assert Claim.objects.get(pk=proposal.claim_id).status == Status.CORROBORATED


def test_an_editor_returns_with_a_note(editor_client, proposal):
    response = editor_client.post(reverse("claims:return", args=[proposal.pk]), {"note": "Find a second source."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.decision, proposal.decision_note) == (Decision.RETURNED, "Find a second source.")
    assert Claim.objects.get(pk=proposal.claim_id).status == Status.UNVERIFIED


def test_returning_needs_a_note(editor_client, proposal):
    response = editor_client.post(reverse("claims:return", args=[proposal.pk]), {"note": "  "})
    assert response.status_code == 422  # the request lacks the note
    assert "Say what is missing" in response.content.decode()
    assert Review.objects.get(pk=proposal.pk).decision == Decision.PENDING


def test_permission_matrix(client, fact_checker, outsider, proposal):
    urls = [reverse("claims:approve", args=[proposal.pk]), reverse("claims:return", args=[proposal.pk])]
    for url in urls:  # anonymous: to the login page
        response = client.post(url, {"note": "x"})
        assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(outsider)  # no role: nothing, not even the queue
    assert client.get(reverse("claims:queue")).status_code == 403
    for url in urls:
        assert client.post(url, {"note": "x"}).status_code == 403
    client.force_login(fact_checker)  # fact-checkers propose but do not decide
    for url in urls:
        assert client.post(url, {"note": "x"}).status_code == 403
    assert Review.objects.get(pk=proposal.pk).decision == Decision.PENDING


def test_an_editor_cannot_decide_their_own_proposal(editor_client, editor, proposal):
    proposal.proposed_by = editor
    proposal.save()
    assert approve(editor_client, proposal).status_code == 403
    assert editor_client.post(reverse("claims:return", args=[proposal.pk]), {"note": "x"}).status_code == 403
    assert Review.objects.get(pk=proposal.pk).decision == Decision.PENDING


def test_a_one_editor_desk_may_allow_self_approval(settings, editor_client, editor, proposal):
    settings.ALLOW_SELF_APPROVAL = True
    proposal.proposed_by = editor
    proposal.save()
    assert approve(editor_client, proposal).status_code == 302
    assert Review.objects.get(pk=proposal.pk).decision == Decision.APPROVED


def test_an_unmet_gate_blocks_approval_and_says_what_is_missing(editor_client, proposal):
    proposal.proposed_status = Status.CONFIRMED
    proposal.save()
    response = approve(editor_client, proposal)
    assert response.status_code == 409
    assert "Confirmed needs 2 independent corroborations" in response.content.decode()
    assert Review.objects.get(pk=proposal.pk).decision == Decision.PENDING
    assert Claim.objects.get(pk=proposal.claim_id).status == Status.UNVERIFIED


def test_gates_count_independence_at_approval(editor_client, proposal):
    """Same outlet twice counts once; relays and unknown affiliations do not count."""
    proposal.proposed_status = Status.CONFIRMED
    proposal.save()
    claim = proposal.claim
    first_outlet = claim.evidence.get().source.outlet
    EvidenceFactory(claim=claim, source=SourceFactory(outlet=first_outlet))
    EvidenceFactory(claim=claim, repeats_claimant=True)
    EvidenceFactory(claim=claim, source=SourceFactory(outlet=OutletFactory(affiliation=None)))
    assert approve(editor_client, proposal).status_code == 409
    EvidenceFactory(claim=claim, source=SourceFactory(outlet=OutletFactory(affiliation=AffiliationFactory())))
    assert approve(editor_client, proposal).status_code == 302
    assert Claim.objects.get(pk=claim.pk).status == Status.CONFIRMED


@pytest.mark.parametrize(
    ("status", "stance", "blocked"),
    [
        (Status.DISPUTED, Stance.CORROBORATES, True),
        (Status.DISPUTED, Stance.CONTRADICTS, False),
        (Status.FALSE, Stance.CONTEXT, True),
        (Status.FALSE, Stance.CONTRADICTS, False),
        (Status.MISLEADING, Stance.CONTEXT, False),
        (Status.UNVERIFIABLE, Stance.CONTEXT, False),
    ],
)
def test_gates_per_status_at_approval(editor_client, fact_checker, status, stance, blocked):
    claim = ClaimFactory()
    EvidenceFactory(claim=claim)  # one independent corroboration
    EvidenceFactory(claim=claim, stance=stance)
    review = ReviewFactory(claim=claim, proposed_by=fact_checker, proposed_status=status)
    assert approve(editor_client, review).status_code == (409 if blocked else 302)


def test_a_decided_review_cannot_be_decided_again_and_says_by_whom(client, proposal, editor, second_editor):
    client.force_login(second_editor)
    assert approve(client, proposal).status_code == 302
    client.force_login(editor)
    response = client.post(reverse("claims:return", args=[proposal.pk]), {"note": "No."})
    assert response.status_code == 409
    assert "Already approved by Anna Berg" in response.content.decode()
    assert Review.objects.get(pk=proposal.pk).decision == Decision.APPROVED


def test_the_proposer_withdraws(fact_checker_client, proposal):
    assert fact_checker_client.post(reverse("claims:withdraw", args=[proposal.pk])).status_code == 302
    assert Review.objects.get(pk=proposal.pk).decision == Decision.WITHDRAWN


def test_only_the_proposer_withdraws(editor_client, proposal):
    assert editor_client.post(reverse("claims:withdraw", args=[proposal.pk])).status_code == 403
    assert Review.objects.get(pk=proposal.pk).decision == Decision.PENDING


def test_htmx_decision_removes_the_row_and_updates_the_counter(editor_client, proposal):
    response = editor_client.post(
        reverse("claims:approve", args=[proposal.pk]), {"from": "queue"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == '{"queueChanged": {}}' or "queueChanged" in response["HX-Trigger"]
    assert "Approved" in response.content.decode() and "data-review-row" not in response.content.decode()


def test_htmx_refusal_keeps_the_row_with_the_reason(editor_client, proposal):
    proposal.proposed_status = Status.CONFIRMED
    proposal.save()
    response = editor_client.post(
        reverse("claims:approve", args=[proposal.pk]), {"from": "queue"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert page.lstrip().startswith('<article class="queue-row') and "Confirmed needs 2" in page


def test_reopening_a_decided_claim_keeps_both_decisions(editor_client, fact_checker_client, proposal):
    approve(editor_client, proposal)
    EvidenceFactory(claim=proposal.claim, stance=Stance.CONTRADICTS)
    response = fact_checker_client.post(
        reverse("claims:propose", args=[proposal.claim_id]), {"status": "disputed", "rationale": "New imagery."}
    )
    assert response.status_code == 302
    second = Review.objects.get(decision=Decision.PENDING)
    assert second.previous_status == Status.CORROBORATED
    approve(editor_client, second)
    timeline = fact_checker_client.get(reverse("claims:detail", args=[proposal.claim_id])).context["timeline"]
    decisions = [entry.review.decision for entry in timeline if entry.review]
    assert decisions == [Decision.APPROVED, Decision.APPROVED]
    assert Claim.objects.get(pk=proposal.claim_id).status == Status.DISPUTED


def test_queue_orders_most_urgent_then_longest_waiting(editor_client, fact_checker):
    urgent_late = ReviewFactory(claim=ClaimFactory(priority=3), proposed_by=fact_checker)
    normal_early = ReviewFactory(claim=ClaimFactory(priority=1), proposed_by=fact_checker)
    Review.objects.filter(pk=normal_early.pk).update(proposed_at=urgent_late.proposed_at.replace(year=2020))
    rows = editor_client.get(reverse("claims:queue")).context["rows"]
    assert [row.pk for row in rows] == [urgent_late.pk, normal_early.pk]


def test_proposed_by_me_filter(client, fact_checker, editor):
    ReviewFactory(proposed_by=fact_checker)
    mine = ReviewFactory(proposed_by=editor)
    client.force_login(editor)
    assert [row.pk for row in client.get(reverse("claims:queue"), {"mine": "1"}).context["rows"]] == [mine.pk]


def test_queue_updates_drop_decided_rows_and_announce_new_ones(editor_client, fact_checker, proposal):
    other = ReviewFactory(proposed_by=fact_checker)
    Review.objects.filter(pk=proposal.pk).update(
        decision=Decision.WITHDRAWN, decided_by=fact_checker, decided_at=proposal.proposed_at
    )
    newcomer = ReviewFactory(proposed_by=fact_checker)
    page = editor_client.get(reverse("claims:queue_updates"), {"shown": f"{proposal.pk},{other.pk},x"}).content.decode()
    assert f'<p id="review-{proposal.pk}" hx-swap-oob="true"' in page  # the row becomes a notice
    assert f'id="review-{other.pk}"' not in page
    assert f"Withdrawn by {fact_checker.get_full_name() or fact_checker.username}" in page
    assert "1 more proposal waiting" in page  # the newcomer, announced rather than inserted
    assert f"review-{newcomer.pk}" not in page


def test_queue_count_endpoint(editor_client, proposal):
    page = editor_client.get(reverse("claims:queue_count")).content.decode()
    assert 'id="queue-count"' in page and ">1</span>" in page


def test_queue_and_dashboard_query_counts_stay_flat(editor_client, fact_checker):
    def proposals(n):
        for claim in ClaimFactory.create_batch(n, assignee=fact_checker):
            EvidenceFactory(claim=claim)
            ReviewFactory(claim=claim, proposed_by=fact_checker)

    proposals(5)
    assert_query_count_stays_flat(editor_client, reverse("claims:queue"), lambda: proposals(45))
    assert_query_count_stays_flat(editor_client, reverse("claims:dashboard"), lambda: proposals(45))


def test_returned_reviews_show_on_the_proposers_dashboard_until_they_act(editor_client, fact_checker_client, proposal):
    editor_client.post(reverse("claims:return", args=[proposal.pk]), {"note": "Only a relay; find another."})
    page = fact_checker_client.get(reverse("claims:dashboard")).content.decode()
    assert "Returned to you" in page and "Only a relay; find another." in page
    fact_checker_client.post(
        reverse("claims:propose", args=[proposal.claim_id]), {"status": "unverifiable", "rationale": "x"}
    )
    assert "Returned to you" not in fact_checker_client.get(reverse("claims:dashboard")).content.decode()


def test_dashboard_counters_refresh_as_a_fragment(editor_client, proposal):
    response = editor_client.get(reverse("claims:dashboard"), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert 'id="dash-queue" hx-swap-oob="true"' in page and "1</strong> proposal waiting" in page
    assert 'id="dash-count-unverified" hx-swap-oob="true">1<' in page and "<section" not in page


def test_a_fact_checker_returning_gets_403_even_without_a_note(fact_checker_client, proposal):
    assert fact_checker_client.post(reverse("claims:return", args=[proposal.pk]), {"note": ""}).status_code == 403


@pytest.mark.parametrize(
    ("status", "setup"),
    [
        (Status.CORROBORATED, "relay_only"),
        (Status.CORROBORATED, "unknown_claimant_side"),
        (Status.MISLEADING, "relay_only"),
    ],
)
def test_more_gates_block_at_approval(editor_client, fact_checker, status, setup):
    claim = ClaimFactory(claimant__affiliation=None) if setup == "unknown_claimant_side" else ClaimFactory()
    EvidenceFactory(claim=claim, repeats_claimant=setup == "relay_only")
    review = ReviewFactory(claim=claim, proposed_by=fact_checker, proposed_status=status)
    assert approve(editor_client, review).status_code == 409
    assert Claim.objects.get(pk=claim.pk).status == Status.UNVERIFIED


def test_queue_pages_need_a_role(client, outsider, proposal):
    urls = [reverse("claims:queue"), reverse("claims:queue_updates"), reverse("claims:queue_count")]
    for url in urls:
        assert client.get(url).status_code == 302, url
    assert client.post(reverse("claims:withdraw", args=[proposal.pk])).status_code == 302
    client.force_login(outsider)
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("claims:withdraw", args=[proposal.pk])).status_code == 403
    assert Review.objects.get(pk=proposal.pk).decision == Decision.PENDING


def test_live_updates_keep_rows_beyond_the_first_page_of_the_queue(monkeypatch, editor_client, fact_checker):
    from claims.views import review

    monkeypatch.setattr(review, "QUEUE_LIMIT", 3)
    for _ in range(6):
        ReviewFactory(proposed_by=fact_checker)
    shown = [row.pk for row in editor_client.get(reverse("claims:queue")).context["rows"]]
    assert len(shown) == 3
    page = editor_client.get(reverse("claims:queue_updates"), {"shown": ",".join(map(str, shown))}).content.decode()
    assert 'hx-swap-oob="true" class="queue-done' not in page
    assert "3 more proposals waiting" in page


def test_the_dashboard_costs_the_same_with_full_panels(client, fact_checker, editor):
    def fill_every_panel(n):
        for claim in ClaimFactory.create_batch(n, assignee=fact_checker):
            EvidenceFactory(claim=claim)
            ReviewFactory(claim=claim, proposed_by=fact_checker)
        ClaimFactory.create_batch(n)  # waiting without a review
        for claim in ClaimFactory.create_batch(n):
            review = ReviewFactory(claim=claim, proposed_by=fact_checker)
            Review.objects.filter(pk=review.pk).update(
                decision=Decision.RETURNED, decided_by=editor, decided_at=review.proposed_at, decision_note="No."
            )

    client.force_login(fact_checker)
    fill_every_panel(5)
    response = client.get(reverse("claims:dashboard"))
    assert response.context["my_claims"] and response.context["waiting"] and response.context["returned"]
    assert_query_count_stays_flat(client, reverse("claims:dashboard"), lambda: fill_every_panel(45))


def test_recent_activity_shows_an_old_proposal_decided_today(editor_client, fact_checker, proposal):
    for _ in range(20):
        ReviewFactory(proposed_by=fact_checker)
    approve(editor_client, proposal)
    activity = editor_client.get(reverse("claims:dashboard")).context["activity"]
    assert any(item["kind"] == "approved" and item["review"].pk == proposal.pk for item in activity)


def test_the_proposer_withdraws_from_the_claim_page(fact_checker_client, proposal):
    page = fact_checker_client.get(reverse("claims:detail", args=[proposal.claim_id])).content.decode()
    assert "Withdraw my proposal" in page


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


# --- The decision log (docs/security.md) -----------------------------------------------------------------


def test_every_decision_is_logged_as_json_once_committed(
    editor_client, fact_checker, desk_log, django_capture_on_commit_callbacks, editor
):
    claim = ClaimFactory()
    EvidenceFactory(claim=claim)
    review = ReviewFactory(claim=claim, proposed_by=fact_checker, proposed_status=Status.CORROBORATED)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("claims:approve", args=[review.pk]))

    [line] = [entry for entry in desk_log() if entry["event"] == "review.approved"]
    assert line["review"] == review.pk
    assert line["claim"] == claim.pk
    assert line["to_status"] == Status.CORROBORATED
    assert line["user"] == editor.username
    assert line["logger"] == "newsdesk.decisions" and line["time"]


def test_a_refused_decision_is_not_logged_as_made(
    editor_client, fact_checker, desk_log, django_capture_on_commit_callbacks
):
    review = ReviewFactory(proposed_by=fact_checker, proposed_status=Status.CONFIRMED)  # no evidence: the gate refuses
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = editor_client.post(reverse("claims:approve", args=[review.pk]))
    assert response.status_code == 409
    assert callbacks == []
    assert [entry for entry in desk_log() if entry["event"] == "review.approved"] == []


def test_the_queue_names_key_sources_and_its_heading_count_can_be_asked_alone(editor_client, proposal):
    EvidenceFactory(claim=proposal.claim, stance=Stance.CONTRADICTS, source__title="A rebuttal from the front")
    page = editor_client.get(reverse("claims:queue")).content.decode()
    assert 'aria-label="Key sources"' in page and "A rebuttal from the front" in page
    assert '<span id="queue-total"' in page and "1 proposal waiting." in page
    heading = editor_client.get(reverse("claims:queue_count"), {"part": "heading"}).content.decode()
    assert heading.strip().startswith('<span id="queue-total"') and "1 proposal waiting." in heading


def test_the_dashboard_says_who_withdrew_what_in_plain_words(fact_checker_client, fact_checker, proposal):
    proposal.proposed_by = fact_checker
    proposal.save()
    fact_checker_client.post(reverse("claims:withdraw", args=[proposal.pk]))
    page = fact_checker_client.get(reverse("claims:dashboard")).content.decode()
    assert "withdrew the proposal" in page and "withdrawn <span" not in page
