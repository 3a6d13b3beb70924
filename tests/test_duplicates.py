"""Duplicates and appearances (docs/architecture.md, "Duplicates"): the desk checks a claim once.
Logging a likely duplicate asks first; an appearance counts in the repeater's track record and in
ClaimReview; editors merge a duplicate into its original; the queue flags a duplicate decided
differently."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.urls import reverse

from claims import duplicates, workflow
from claims.duplicates import is_likely_duplicate
from claims.models import Appearance, Claim, Claimant, Evidence, LikelyDuplicate, Review, Stance, Status, StatusCount
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

ORIGINAL = "Russian forces recaptured the village of Robotyne in Zaporizhzhia."


@pytest.mark.parametrize(
    ("text", "other", "same"),
    [
        (ORIGINAL, "Russian forces have recaptured Robotyne village in Zaporizhzhia", True),
        (
            "Air defences shot down 10 US-made ATACMS missiles over Crimea.",
            "Russian air defences shot down 10 ATACMS missiles over Crimea overnight.",
            True,
        ),
        ("Air defences shot down 17 drones over Belgorod.", "Air defences shot down 10 ATACMS over Crimea.", False),
        (ORIGINAL, "Ukraine will receive $2 billion in new military financing.", False),
        ("Robotyne", "Robotyne", True),
        ("", ORIGINAL, False),
    ],
)
def test_likely_duplicates_share_most_of_the_words_that_carry_the_claim(text, other, same):
    assert is_likely_duplicate(text, other) is same


@pytest.fixture
def original(fact_checker, editor):
    ministry = ClaimantFactory(name="Russian Ministry of Defence", affiliation=AffiliationFactory(name="Russia"))
    claim = ClaimFactory(text=ORIGINAL, claimant=ministry, origin_url="https://mil.ru/news/1")
    EvidenceFactory(claim=claim, source=SourceFactory(outlet=OutletFactory(affiliation=AffiliationFactory())))
    workflow.review_approve(review=ReviewFactory(claim=claim, proposed_by=fact_checker), user=editor)
    claim.refresh_from_db()
    return claim


def log(client, **fields):
    data = claim_form_data(text="Russian forces have recaptured Robotyne village in Zaporizhzhia", **fields)
    return client.post(reverse("claims:create"), data)


def test_logging_a_likely_duplicate_asks_first_and_writes_nothing(fact_checker_client, original):
    response = log(fact_checker_client, claimant_name="TASS")
    assert response.status_code == 200
    page = response.content.decode()
    assert "This claim may already be on the desk" in page
    assert f"Add as another appearance of #{original.pk}" in page
    assert "Corroborated" in page and "Log as a new claim" in page
    assert Claim.objects.count() == 1
    assert not Claimant.objects.filter(name="TASS").exists()
    assert not Appearance.objects.exists()


def test_logging_as_new_after_the_question_logs_it(fact_checker_client, original):
    response = log(fact_checker_client, claimant_name="TASS", duplicate="new")
    assert response.status_code == 302
    assert Claim.objects.count() == 2


def test_an_appearance_is_recorded_under_the_original(fact_checker_client, fact_checker, original):
    response = log(
        fact_checker_client,
        claimant_name="TASS",
        new_claimant_kind="media",
        origin_url="https://tass.ru/armiya/2",
        quote="Robotyne is under control.",
        claimed_on="2024-05-16",
        duplicate=str(original.pk),
    )
    assert (response.status_code, response["Location"]) == (302, original.get_absolute_url())
    assert Claim.objects.count() == 1
    appearance = Appearance.objects.get()
    assert (appearance.claim, appearance.claimant.name, appearance.claimant.kind) == (original, "TASS", "media")
    assert (appearance.origin_url, appearance.appeared_on) == ("https://tass.ru/armiya/2", dt.date(2024, 5, 16))
    assert (appearance.quote, appearance.added_by) == ("Robotyne is under control.", fact_checker)

    page = fact_checker_client.get(original.get_absolute_url()).content.decode()
    assert "Added as another appearance of claim" in page
    assert "TASS" in page and "Robotyne is under control." in page
    structured = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    item = structured["itemReviewed"]
    assert [work["url"] for work in item["appearance"]] == ["https://mil.ru/news/1", "https://tass.ru/armiya/2"]
    assert item["appearance"][1]["author"] == {"@type": "Organization", "name": "TASS"}
    assert item["firstAppearance"]["url"] == "https://mil.ru/news/1"


def test_an_appearance_counts_in_the_repeaters_track_record(fact_checker_client, original, second_fact_checker):
    tass = ClaimantFactory(name="TASS")
    workflow.appearance_add(
        claim=original,
        user=second_fact_checker,
        claimant=workflow.ClaimantChoice(name="TASS"),
        appeared_on=dt.date(2024, 5, 16),
    )
    page = fact_checker_client.get(reverse("claims:claimant", args=[tass.pk])).content.decode()
    assert "1 claim made or repeated, 1 assessed." in page
    assert ORIGINAL in page and "Repeated by TASS" in page
    listing = fact_checker_client.get(reverse("claims:claimants"))
    row = next(claimant for claimant in listing.context["page"].object_list if claimant.pk == tass.pk)
    assert (row.claim_count, row.repeated_count) == (0, 1)


@pytest.mark.parametrize("choice", ["999999", "OTHER", "٣", "00", "1.0"])
def test_an_appearance_goes_only_under_a_claim_the_desk_offered(fact_checker_client, original, choice):
    """A decided claim's published appearances change only by a choice the guard offered."""
    unrelated = ClaimFactory(text="Ukraine will receive $2 billion in new military financing.")
    choice = str(unrelated.pk) if choice == "OTHER" else choice
    response = log(fact_checker_client, claimant_name="Some blogger", duplicate=choice)
    assert response.status_code in (200, 409)
    page = response.content.decode()
    assert "This claim may already be on the desk" in page
    if response.status_code == 409:
        assert "does not read like this one" in page
    assert not Appearance.objects.exists() and Claim.objects.count() == 2


@pytest.fixture
def duplicate(db, original):
    claim = ClaimFactory(
        text="Russian forces have recaptured Robotyne village in Zaporizhzhia", claimant=original.claimant
    )
    EvidenceFactory(claim=claim, stance=Stance.CONTEXT)
    EvidenceFactory(claim=claim, source=Evidence.objects.get(claim=original).source)  # both have this one
    duplicates.record_for(claim)  # as the workflow does when a claim is logged
    return claim


def merge(client, duplicate, into, reason="The same claim, logged twice."):
    return client.post(reverse("claims:merge", args=[duplicate.pk]), {"into": into, "reason": reason})


def test_an_editor_merges_a_duplicate_into_its_original(editor_client, editor, original, duplicate):
    counts_before = StatusCount.by_status()
    response = merge(editor_client, duplicate, original.pk)
    assert (response.status_code, response["Location"]) == (302, original.get_absolute_url())

    duplicate.refresh_from_db()
    assert (duplicate.merged_into, duplicate.merged_by, duplicate.merge_reason) == (
        original,
        editor,
        "The same claim, logged twice.",
    )
    # The context source moved; the source both had stays on the duplicate; nothing was deleted.
    assert Evidence.objects.filter(claim=original).count() == 2
    assert Evidence.objects.filter(claim=duplicate).count() == 1
    assert Appearance.objects.get(claim=original).claimant == duplicate.claimant
    # Its reviews and history stay; it leaves the lists and the counts.
    assert Claim.objects.filter(pk=duplicate.pk).exists()
    assert StatusCount.by_status()[Status.UNVERIFIED] == counts_before[Status.UNVERIFIED] - 1
    listing = editor_client.get(reverse("claims:list"))
    assert [claim.pk for claim in listing.context["claims"]] == [original.pk]
    # The old address redirects, and says so.
    landed = editor_client.get(duplicate.get_absolute_url(), follow=True)
    assert landed.redirect_chain == [(original.get_absolute_url(), 302)]
    assert f"Claim #{duplicate.pk} was merged into #{original.pk}" in landed.content.decode()
    assert editor_client.get(reverse("claims:edit", args=[duplicate.pk]))["Location"] == reverse(
        "claims:edit", args=[original.pk]
    )


def test_a_fact_checker_cannot_merge(fact_checker_client, original, duplicate):
    assert merge(fact_checker_client, duplicate, original.pk).status_code == 403
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


@pytest.mark.parametrize(
    ("into", "reason", "message"),
    [
        ("self", "Same.", "A claim cannot be merged into itself."),
        (999999, "Same.", "There is no claim #999999."),
        ("original", "  ", "This field is required."),
        ("original", "", "This field is required."),
        ("x", "Same.", "Enter a whole number."),
    ],
)
def test_a_bad_merge_is_explained_and_writes_nothing(editor_client, original, duplicate, into, reason, message):
    target = {"self": duplicate.pk, "original": original.pk}.get(into, into)
    response = merge(editor_client, duplicate, target, reason)
    assert response.status_code == 422
    assert message in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None and not Appearance.objects.exists()
    assert Evidence.objects.filter(claim=duplicate).count() == 2


def test_a_merge_waits_for_a_pending_proposal_and_happens_once(editor_client, original, duplicate, fact_checker):
    review = ReviewFactory(claim=duplicate, proposed_by=fact_checker, proposed_status="unverifiable")
    refused = merge(editor_client, duplicate, original.pk)
    assert refused.status_code == 409 and "waits for an editor" in refused.content.decode()
    Review.objects.filter(pk=review.pk).update(
        decision="withdrawn", decided_at=review.proposed_at, decided_by=review.proposed_by
    )
    assert merge(editor_client, duplicate, original.pk).status_code == 302
    again = merge(editor_client, duplicate, original.pk)
    assert again.status_code == 409 and "already merged" in again.content.decode()
    other = ClaimFactory()
    into_merged = merge(editor_client, other, duplicate.pk)
    assert into_merged.status_code == 422 and "merge into that one" in into_merged.content.decode()


def test_a_merged_duplicate_takes_no_new_work(original, duplicate, fact_checker, second_editor):
    workflow.claim_merge(duplicate=duplicate, into=original.pk, user=second_editor, reason="Same.")
    with pytest.raises(workflow.Refused, match="was merged into"):
        workflow.evidence_add(
            claim=duplicate,
            user=fact_checker,
            url="https://a.org/x",
            title="",
            kind="article",
            stance=Stance.CORROBORATES,
        )


def test_the_queue_flags_a_proposal_whose_likely_duplicate_stands_elsewhere(
    editor_client, original, duplicate, django_assert_max_num_queries, fact_checker
):
    ReviewFactory(claim=duplicate, proposed_by=fact_checker, proposed_status=Status.UNVERIFIABLE)
    unrelated = [
        "Ukraine will receive $2 billion in new military financing.",
        "Seventeen drones were shot down over Belgorod, Kursk and Bryansk.",
        "Units moved to more advantageous positions near Vovchansk.",
        "The president cancelled all foreign trips planned for the coming days.",
        "Arms production will double and triple in the coming year.",
    ]
    for text in unrelated:  # the flag costs one query, not one per row
        ReviewFactory(
            claim=ClaimFactory(text=text),
            proposed_by=fact_checker,
            proposed_status=Status.UNVERIFIABLE,
        )
    with django_assert_max_num_queries(14):
        page = editor_client.get(reverse("claims:queue")).content.decode()
    assert page.count("Likely duplicate:") == 1
    assert f"#{original.pk}</a> stands at Corroborated" in page


def test_the_claim_page_lists_likely_duplicates_with_a_different_status(editor_client, original, duplicate):
    page = editor_client.get(duplicate.get_absolute_url()).content.decode()
    assert f"#{original.pk}" in page and "Different status" in page
    assert "Merge into the original" in page
    assert f'name="into" value="{original.pk}"' in page  # the likeliest original, filled in


def test_the_guard_marks_a_likely_duplicate_while_typing(fact_checker_client, original):
    ClaimFactory(text="Russian forces shelled a village near Robotyne.")
    page = fact_checker_client.get(
        reverse("claims:similar"), {"text": "Russian forces have recaptured Robotyne village in Zaporizhzhia"}
    ).content.decode()
    assert page.count("Likely the same claim") == 1
    assert f"#{original.pk}" in page


def test_a_verdict_is_never_merged_away_into_a_claim_without_one(editor_client, original):
    newer = ClaimFactory(text="Russian forces have recaptured Robotyne village in Zaporizhzhia")
    response = merge(editor_client, original, newer.pk)
    assert response.status_code == 422
    assert (
        f"Claim #{original.pk} has a verdict (Corroborated) and #{newer.pk} has none: merge #{newer.pk} into"
        f" #{original.pk} instead." in response.content.decode()
    )
    original.refresh_from_db()
    assert original.merged_into is None
    assert merge(editor_client, newer, original.pk).status_code == 302


def test_appearances_and_merges_are_in_the_claims_history(editor_client, original, duplicate, second_fact_checker):
    workflow.appearance_add(
        claim=original,
        user=second_fact_checker,
        claimant=workflow.ClaimantChoice(name="TASS"),
        appeared_on=dt.date(2024, 5, 16),
    )
    merge(editor_client, duplicate, original.pk, reason="Logged twice from the same briefing.")
    history = editor_client.get(original.get_absolute_url()).context["timeline"]
    summaries = [entry.summary for entry in history]
    assert "Appearance added: TASS, 16 May 2024" in summaries
    assert (
        f"Merged in #{duplicate.pk} (Russian Ministry of Defence) as a duplicate: Logged twice from the same briefing."
        in summaries
    )


def test_logging_and_rewording_note_likely_duplicates_both_ways(fact_checker_client, original, second_fact_checker):
    log(fact_checker_client, claimant_name="TASS", duplicate="new")
    copy = Claim.objects.exclude(pk=original.pk).get()
    links = set(LikelyDuplicate.objects.values_list("claim_id", "other_id"))
    assert links == {(copy.pk, original.pk), (original.pk, copy.pk)}
    # Reworded into another claim, it no longer reads like the original.
    workflow.claim_update(
        claim=copy,
        user=second_fact_checker,
        version=copy.version,
        values={"text": "Ukraine will receive $2 billion in new military financing."},
        claimant=workflow.ClaimantChoice(name="TASS"),
        tags=[],
    )
    assert not LikelyDuplicate.objects.exists()


def test_find_duplicates_notes_them_for_claims_logged_before(original):
    from django.core.management import call_command

    copy = ClaimFactory(text="Russian forces have recaptured Robotyne village in Zaporizhzhia")
    ClaimFactory(text="Ukraine will receive $2 billion in new military financing.")
    call_command("find_duplicates", stdout=io.StringIO())
    assert set(LikelyDuplicate.objects.values_list("claim_id", "other_id")) == {
        (copy.pk, original.pk),
        (original.pk, copy.pk),
    }


def test_merging_a_claim_that_has_duplicates_points_them_at_the_new_original(
    editor_client, original, duplicate, second_fact_checker, second_editor
):
    third = ClaimFactory(text="Russian troops recaptured Robotyne village in Zaporizhzhia", claimant=original.claimant)
    assert merge(editor_client, third, duplicate.pk).status_code == 302
    workflow.review_approve(
        review=ReviewFactory(claim=duplicate, proposed_by=second_fact_checker, proposed_status="unverifiable"),
        user=second_editor,
    )
    assert merge(editor_client, duplicate, original.pk).status_code == 302
    third.refresh_from_db()
    assert third.merged_into == original  # one step from every old address
    assert editor_client.get(third.get_absolute_url())["Location"] == original.get_absolute_url()


def test_a_merged_duplicate_is_not_assigned_and_keeps_its_evidence(
    editor_client, fact_checker, original, duplicate, second_editor
):
    workflow.claim_merge(duplicate=duplicate, into=original.pk, user=second_editor, reason="Same.")
    kept = Evidence.objects.get(claim=duplicate)  # the source both had stays on the duplicate
    editor_client.post(reverse("claims:assign"), {"claims": duplicate.pk, "assignee": fact_checker.username})
    duplicate.refresh_from_db()
    assert duplicate.assignee is None
    with pytest.raises(workflow.Refused, match="was merged into"):
        workflow.evidence_remove(evidence=kept, user=fact_checker)
    assert Evidence.objects.filter(pk=kept.pk).exists()
