"""A verdict does not drift (docs/architecture.md): what a decided claim says changes only through an
editor, with a reason, as a correction; evidence cannot be pulled from under a verdict; proposals are
checked against their gate when made; refusals answer with 403 / 409 / 422 and write nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from claims import workflow
from claims.models import Claim, Correction, CorrectionEvent, Evidence, Review, Stance, Status
from tests.factories import (
    AffiliationFactory,
    ClaimantFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    ReviewFactory,
    SourceFactory,
    claim_form_data,
)

pytestmark = pytest.mark.django_db


def independent_source():
    return SourceFactory(outlet=OutletFactory(affiliation=AffiliationFactory(name="Independent")))


@pytest.fixture
def decided(fact_checker, editor):
    """'Corroborated' by an editor, on one independent source."""
    ministry = ClaimantFactory(name="Russian Ministry of Defence", affiliation=AffiliationFactory(name="Russia"))
    claim = ClaimFactory(text="Russian forces recaptured Robotyne.", claimant=ministry, quote="We took it.")
    EvidenceFactory(claim=claim, source=independent_source())
    review = ReviewFactory(claim=claim, proposed_by=fact_checker)
    workflow.review_approve(review=review, user=editor)
    Review.objects.filter(pk=review.pk).update(decided_at=dt.datetime(2024, 5, 16, 9, tzinfo=dt.UTC))
    claim.refresh_from_db()
    return claim


def edit(client, claim, **changes):
    as_it_is = {
        "text": claim.text,
        "claimant_name": claim.claimant.name,
        "claimed_on": claim.claimed_on.isoformat(),
        "quote": claim.quote,
        "origin_url": claim.origin_url,
        "tag_names": "",
        "version": claim.version,
    }
    data = claim_form_data(**{**as_it_is, **changes})
    return client.post(reverse("claims:edit", args=[claim.pk]), data)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("text", "Ukrainian forces held Robotyne."),
        ("claimant_name", "TASS"),
        ("quote", "We did not take it."),
        ("claimed_on", "2024-05-16"),
        ("origin_url", "https://mil.ru/news/1"),
    ],
)
def test_a_fact_checker_cannot_reword_a_decided_claim(fact_checker_client, decided, field, value):
    response = edit(fact_checker_client, decided, **{field: value})
    assert response.status_code == 403
    page = response.content.decode()
    assert "This claim has a verdict (Corroborated)" in page
    assert "Propose a new status, or ask an editor to correct it." in page
    after = Claim.objects.get(pk=decided.pk)
    assert (after.text, after.claimant_id, after.quote, after.claimed_on, after.origin_url, after.version) == (
        decided.text,
        decided.claimant_id,
        decided.quote,
        decided.claimed_on,
        decided.origin_url,
        decided.version,
    )
    assert not Correction.objects.exists()


def test_after_a_refused_rewording_the_read_only_fields_show_what_is_stored(fact_checker_client, decided):
    page = edit(fact_checker_client, decided, text="Ukrainian forces held Robotyne.").content.decode()
    assert "Ukrainian forces held Robotyne." not in page
    assert decided.text in page


def test_a_fact_checker_sees_why_the_wording_of_a_decided_claim_is_read_only(fact_checker_client, decided):
    page = fact_checker_client.get(reverse("claims:edit", args=[decided.pk])).content.decode()
    assert "This claim has a verdict." in page and "propose a new status" in page
    assert 'name="text"' in page and "readonly" in page
    assert "correction_reason" not in page


def test_a_fact_checker_still_edits_what_a_verdict_is_not_about(fact_checker_client, decided):
    response = edit(fact_checker_client, decided, priority="3", tag_names="Zaporizhzhia")
    assert response.status_code == 302
    after = Claim.objects.get(pk=decided.pk)
    assert (after.priority, after.tag_list(), after.version) == (3, "Zaporizhzhia", decided.version + 1)


def test_an_undecided_claim_is_reworded_freely(fact_checker_client):
    claim = ClaimFactory(text="Russian forces recaptured Robotyne.")
    response = edit(fact_checker_client, claim, text="Russian forces entered Robotyne.")
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).text == "Russian forces entered Robotyne."
    assert not Correction.objects.exists()


def test_an_editor_corrects_a_decided_claim_only_with_a_reason(editor_client, editor, decided):
    refused = edit(editor_client, decided, text="Russian forces entered Robotyne.")
    assert refused.status_code == 422
    assert "Say why: this claim has a verdict (Corroborated)" in refused.content.decode()
    assert Claim.objects.get(pk=decided.pk).text == decided.text

    response = edit(
        editor_client,
        decided,
        text="Russian forces entered Robotyne.",
        correction_reason="The ministry said entered, not recaptured.",
    )
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert (correction.claim_id, correction.made_by, correction.status) == (decided.pk, editor, Status.CORROBORATED)
    assert correction.changes == [
        {"field": "Text", "before": "Russian forces recaptured Robotyne.", "after": "Russian forces entered Robotyne."}
    ]
    # In the audit history, on the claim page and in its ClaimReview (modified today).
    assert CorrectionEvent.objects.filter(pgh_obj_id=correction.pk, pgh_label="insert").exists()
    landed = editor_client.get(decided.get_absolute_url())
    page = landed.content.decode()
    assert "Correction recorded; the weekly report lists it." in page
    assert "Corrected: The ministry said entered, not recaptured." in [
        entry.summary for entry in landed.context["timeline"]
    ]
    assert "The ministry said entered, not recaptured." in page
    structured = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert structured["claimReviewed"] == "Russian forces entered Robotyne."
    assert (structured["datePublished"], structured["dateModified"]) == (
        "2024-05-16",
        timezone.localtime(correction.made_at).date().isoformat(),
    )


def test_a_decided_claim_reproposed_as_unverified_still_keeps_its_wording(
    fact_checker_client, decided, second_fact_checker, second_editor
):
    """Once approved, always a verdict's subject: a claim reopened to unverified keeps the rule."""
    review = ReviewFactory(
        claim=decided,
        previous_status=Status.CORROBORATED,
        proposed_status=Status.UNVERIFIED,
        proposed_by=second_fact_checker,
    )
    workflow.review_approve(review=review, user=second_editor)
    decided.refresh_from_db()
    assert edit(fact_checker_client, decided, text="Something else.").status_code == 403


def test_removing_evidence_a_verdict_stands_on_is_refused_with_the_reason(fact_checker_client, decided):
    evidence = Evidence.objects.get(claim=decided)
    response = fact_checker_client.post(reverse("claims:evidence_remove", args=[decided.pk, evidence.pk]))
    assert response.status_code == 422
    page = response.content.decode()
    assert "Not removed: the claim is Corroborated" in page
    assert "Corroborated needs at least one independent corroboration" in page
    assert "Propose a new status first." in page
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_removing_evidence_the_verdict_does_not_need_goes_through(fact_checker_client, decided):
    extra = EvidenceFactory(claim=decided, stance=Stance.CONTEXT)
    response = fact_checker_client.post(
        reverse("claims:evidence_remove", args=[decided.pk, extra.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert not Evidence.objects.filter(pk=extra.pk).exists()


def test_an_htmx_removal_that_is_refused_says_why_in_the_evidence_section(fact_checker_client, decided):
    evidence = Evidence.objects.get(claim=decided)
    response = fact_checker_client.post(
        reverse("claims:evidence_remove", args=[decided.pk, evidence.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert 'id="evidence"' in response.content.decode() and "Not removed" in response.content.decode()


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        (Status.CONFIRMED, "Confirmed needs 2 independent corroborations"),
        (Status.CORROBORATED, "Corroborated needs at least one independent corroboration; there is none yet."),
        (Status.DISPUTED, "Disputed needs at least one corroborating and one contradicting source."),
        (Status.FALSE, "False needs at least one contradicting source."),
        (Status.MISLEADING, "Misleading needs at least one contradicting or context source."),
    ],
)
def test_a_proposal_whose_gate_is_unmet_is_refused_when_made(fact_checker_client, status, sentence):
    claim = ClaimFactory()
    form_page = fact_checker_client.get(claim.get_absolute_url()).content.decode()
    assert sentence in form_page  # the form says it beside the status…
    response = fact_checker_client.post(
        reverse("claims:propose", args=[claim.pk]), {"status": status, "rationale": "x"}
    )
    assert response.status_code == 422
    assert sentence in response.content.decode()  # …and the refusal says the same
    assert not Review.objects.exists()


def test_a_proposal_that_meets_its_gate_enters_the_queue(fact_checker_client):
    claim = ClaimFactory()
    EvidenceFactory(claim=claim, stance=Stance.CONTRADICTS)
    response = fact_checker_client.post(
        reverse("claims:propose", args=[claim.pk]), {"status": "false", "rationale": "x"}
    )
    assert response.status_code == 302
    assert Review.objects.get().proposed_status == Status.FALSE


def test_unverifiable_needs_only_a_rationale(fact_checker):
    claim = ClaimFactory()
    review = workflow.review_propose(claim=claim, status=Status.UNVERIFIABLE, rationale="No access.", user=fact_checker)
    assert review.decision == "pending"


def test_the_workflow_checks_the_role_itself(outsider, fact_checker):
    claim = ClaimFactory()
    with pytest.raises(workflow.NotAllowed, match=r"Your role cannot propose a status\."):
        workflow.review_propose(claim=claim, status=Status.UNVERIFIABLE, rationale="x", user=outsider)
    with pytest.raises(workflow.NotAllowed, match=r"Only editors merge claims\."):
        workflow.claim_merge(duplicate=claim, into=ClaimFactory().pk, user=fact_checker, reason="r")
    assert not Review.objects.exists()


def test_a_refusal_a_view_does_not_handle_is_answered_in_one_place(rf, fact_checker):
    """claims.middleware: a 409/422 page, or for htmx an alert retargeted into the page."""
    from claims.middleware import WorkflowRefusalMiddleware

    middleware = WorkflowRefusalMiddleware(lambda request: None)
    request = rf.post("/")
    request.user, request.htmx = fact_checker, False
    page = middleware.process_exception(request, workflow.Invalid("Say why."))
    assert page.status_code == 422 and "Say why." in page.content.decode()
    request.htmx = True
    alert = middleware.process_exception(request, workflow.Refused("Already decided."))
    assert (alert.status_code, alert["HX-Retarget"], alert["HX-Reswap"]) == (409, "#desk-alert", "innerHTML")
    assert middleware.process_exception(request, ValueError("not ours")) is None


# --- Where a form sends people afterwards (`next`) ---------------------------------------------------


@pytest.mark.parametrize("value", ["-1", "abc", "claims:list", "//evil.example/x", "https://evil.example/", "/a\nb"])
def test_a_next_that_is_not_a_path_here_is_ignored_after_the_write(editor_client, value, fact_checker):
    claim = ClaimFactory()
    response = editor_client.post(
        reverse("claims:assign"), {"claims": claim.pk, "assignee": fact_checker.username, "next": value}
    )
    assert (response.status_code, response["Location"]) == (302, reverse("claims:list"))
    assert Claim.objects.get(pk=claim.pk).assignee == fact_checker


def test_a_next_path_here_is_followed(editor_client, fact_checker):
    review = ReviewFactory(proposed_by=fact_checker, proposed_status=Status.UNVERIFIABLE)
    target = review.claim.get_absolute_url()
    response = editor_client.post(reverse("claims:approve", args=[review.pk]), {"next": target})
    assert (response.status_code, response["Location"]) == (302, target)


def test_saving_a_decided_claim_unchanged_is_not_a_rewording(fact_checker_client, decided):
    """Spellings the form writes differently (spacing, CRLF, a tracking parameter, seconds the form
    does not show) are the stored value, not a change that needs an editor."""
    Claim.objects.filter(pk=decided.pk).update(
        text="Russian  forces recaptured Robotyne. ",
        quote="We took it.\nAll of it.",
        origin_url="https://mil.ru/news/1?utm_source=tg",
        claimed_time=dt.time(10, 30, 15, 123456),
    )
    decided.refresh_from_db()
    response = edit(
        fact_checker_client,
        decided,
        text="Russian forces recaptured Robotyne.",
        quote="We took it.\r\nAll of it.",
        origin_url="https://mil.ru/news/1",
        claimed_time="10:30",
        claimant_name=decided.claimant.name.upper(),
        priority="3",
    )
    assert response.status_code == 302
    after = Claim.objects.get(pk=decided.pk)
    assert (after.priority, after.text, after.claimant_id) == (3, decided.text, decided.claimant_id)
    assert not Correction.objects.exists()
    assert "Changes saved." in fact_checker_client.get(decided.get_absolute_url()).content.decode()


def test_a_claimed_time_is_kept_to_the_minute(fact_checker_client):
    claim = ClaimFactory()
    edit(fact_checker_client, claim, claimed_time="10:30:15.123456")
    assert Claim.objects.get(pk=claim.pk).claimed_time == dt.time(10, 30)
