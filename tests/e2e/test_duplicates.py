"""Duplicates, merges, decided claims and blocked queue cards, as the desk's people meet them in a browser."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from claims import duplicates
from claims.models import Appearance, Claim, Correction, Decision, Evidence, Review
from tests.factories import (
    AffiliationFactory,
    ClaimantFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    SourceFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROBOTYNE = "Russian forces recaptured the village of Robotyne in the Zaporizhzhia region"


@pytest.fixture
def decided(fact_checker, editor):
    """Make a claim with one independent corroboration and the editor's approved verdict on the
    fact-checker's proposal."""

    def decided(text: str, *, status: str = "corroborated", **claim_fields) -> Claim:
        claim = ClaimFactory(text=text, **claim_fields)
        EvidenceFactory(
            claim=claim, source=SourceFactory(outlet=OutletFactory(affiliation=AffiliationFactory(name="Independent")))
        )
        Review.objects.create(
            claim=claim,
            previous_status="unverified",
            proposed_status=status,
            rationale="One independent source.",
            proposed_by=fact_checker,
            decision=Decision.APPROVED,
            decided_by=editor,
            decided_at=dt.datetime(2024, 5, 16, 9, 0, tzinfo=dt.UTC),
        )
        Claim.objects.filter(pk=claim.pk).update(status=status)
        claim.refresh_from_db()
        return claim

    return decided


def test_logging_a_claim_already_on_the_desk_adds_an_appearance_instead(live_server, page, sign_in, fact_checker):
    ministry = ClaimantFactory(name="Russian Ministry of Defence")
    original = ClaimFactory(text=ROBOTYNE, claimant=ministry, claimed_on=dt.date(2024, 5, 15))
    sign_in(page, fact_checker)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Claims").click()
    page.get_by_role("link", name="Log a claim").click()
    page.get_by_label("Claim", exact=True).fill("Russian forces have recaptured Robotyne in Zaporizhzhia region")
    page.get_by_label("Claimant").fill("TASS")
    page.get_by_label("Claimed on").fill("2024-05-16")
    page.get_by_label("Origin (where it was said)").fill("https://tass.com/defense/1789")
    page.get_by_label("Quote").fill("Units of the Dnepr group liberated Rabotino.")
    page.get_by_role("button", name="Log claim").click()

    # Nothing is logged yet: the desk asks, naming the claim it matches and where that one stands.
    ask = page.locator(".duplicate-ask")
    expect(ask.get_by_role("heading", name="This claim may already be on the desk")).to_be_visible()
    expect(ask).to_contain_text(ROBOTYNE)
    expect(ask).to_contain_text("Unverified")
    expect(ask).to_contain_text("Russian Ministry of Defence")
    assert Claim.objects.count() == 1
    # The typed values survive the question.
    expect(page.get_by_label("Quote")).to_have_value("Units of the Dnepr group liberated Rabotino.")

    ask.get_by_role("button", name=f"Add as another appearance of #{original.pk}").click()

    # The person lands on the original, which lists TASS as a second appearance with its date,
    # link and quote; nothing new was logged.
    expect(page).to_have_url(f"{live_server.url}{original.get_absolute_url()}")
    expect(page.get_by_role("heading", name=ROBOTYNE)).to_be_visible()
    expect(page.locator(".messages")).to_contain_text(
        f"Added as another appearance of claim #{original.pk} (TASS); nothing new logged."
    )
    appearances = page.locator("#appearances")
    expect(appearances.get_by_role("heading", name="Appearances")).to_contain_text("2")
    tass = appearances.locator("li", has_text="TASS")
    expect(tass).to_contain_text("16 May 2024")
    expect(tass).to_contain_text("added by")
    expect(tass.locator("blockquote")).to_have_text("Units of the Dnepr group liberated Rabotino.")
    expect(tass.get_by_role("link", name="where TASS said it")).to_have_attribute(
        "href", "https://tass.com/defense/1789"
    )
    assert Claim.objects.count() == 1
    appearance = Appearance.objects.get()
    assert (appearance.claim_id, appearance.claimant.name, appearance.appeared_on) == (
        original.pk,
        "TASS",
        dt.date(2024, 5, 16),
    )


def test_an_editor_merges_a_duplicate_into_the_original(live_server, page, sign_in, decided, editor):
    independent = AffiliationFactory(name="Independent")
    original = decided(ROBOTYNE, claimant=ClaimantFactory(name="Russian Ministry of Defence"))
    duplicate = ClaimFactory(
        text="Russian forces have recaptured Robotyne in Zaporizhzhia region",
        claimant=ClaimantFactory(name="Rybar"),
        claimed_on=dt.date(2024, 5, 16),
    )
    EvidenceFactory(
        claim=duplicate,
        source=SourceFactory(
            url="https://kyivindependent.com/robotyne-fighting",
            title="Kyiv Independent on the fighting near Robotyne",
            outlet=OutletFactory(domain="kyivindependent.com", name="Kyiv Independent", affiliation=independent),
        ),
    )
    duplicates.record_for(duplicate)  # as the workflow notes it when a claim is logged
    sign_in(page, editor)
    page.goto(f"{live_server.url}{duplicate.get_absolute_url()}")

    # The duplicate's page names the original, which stands at another status.
    section = page.locator("#duplicates")
    listed = section.locator("li", has_text=ROBOTYNE)
    expect(listed.get_by_role("link", name=f"#{original.pk}")).to_be_visible()
    expect(listed).to_contain_text("Corroborated")
    expect(listed).to_contain_text("Different status")

    section.get_by_text("Merge this claim into another").click()
    page.get_by_label("Original claim #").fill(str(original.pk))
    page.get_by_label("Why they are the same claim").fill("Rybar repeats the ministry's claim a day later.")
    page.get_by_role("button", name="Merge into the original").click()

    # The editor is now on the original: the duplicate's evidence moved here, the duplicate is one
    # of its appearances, and the merge is listed with its reason.
    expect(page).to_have_url(f"{live_server.url}{original.get_absolute_url()}")
    expect(page.locator(".messages")).to_contain_text(f"Claim #{duplicate.pk} merged into #{original.pk}")
    expect(page.locator("#evidence")).to_contain_text("Kyiv Independent on the fighting near Robotyne")
    expect(page.locator("#claim-summary")).to_have_text("2 corroborating (2 independent) · 0 contradicting")
    expect(page.locator("#appearances li", has_text="Rybar")).to_contain_text("16 May 2024")
    expect(page.locator("#duplicates")).to_contain_text(
        f"#{duplicate.pk} “{duplicate.text}” (Rybar), by Daniel Weber on"
    )
    expect(page.locator("#duplicates")).to_contain_text("Rybar repeats the ministry's claim a day later.")

    # The duplicate's old address (a bookmark, a link in last week's report) lands on the original.
    page.goto(f"{live_server.url}{duplicate.get_absolute_url()}")
    expect(page).to_have_url(f"{live_server.url}{original.get_absolute_url()}")
    expect(page.locator(".messages")).to_contain_text(
        f"Claim #{duplicate.pk} was merged into #{original.pk} as a duplicate."
    )
    expect(page.get_by_role("heading", name=ROBOTYNE)).to_be_visible()
    assert Evidence.objects.filter(claim=duplicate).count() == 0
    assert Claim.objects.get(pk=duplicate.pk).merged_into_id == original.pk


def test_a_fact_checker_cannot_reword_a_decided_claim(live_server, page, sign_in, decided, fact_checker):
    claim = decided(ROBOTYNE)
    sign_in(page, fact_checker)
    page.goto(f"{live_server.url}{claim.get_absolute_url()}")
    page.get_by_role("link", name="Edit").click()

    # The edit page says why the wording cannot be changed here, and the fields are read-only.
    expect(page.get_by_role("note")).to_contain_text("This claim has a verdict.")
    expect(page.get_by_role("note").get_by_role("link", name="propose a new status")).to_be_visible()
    text = page.get_by_label("Claim", exact=True)
    expect(text).to_have_value(ROBOTYNE)
    expect(text).not_to_be_editable()
    expect(page.get_by_label("Claimant")).not_to_be_editable()
    expect(page.get_by_label("Quote")).not_to_be_editable()
    expect(page.get_by_label("Reason for the correction")).to_have_count(0)
    # What is not the verdict's subject stays editable.
    expect(page.get_by_label("Event place")).to_be_editable()

    # Someone who lifts the read-only mark in the browser's tools is refused by the server, with the reason.
    text.evaluate("field => field.removeAttribute('readonly')")
    text.fill("Ukrainian forces still hold Robotyne in the Zaporizhzhia region")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name="Save changes").click()
    assert answer.value.status == 403
    expect(page.locator("#id_text-error")).to_contain_text(
        "This claim has a verdict (Corroborated): what it says, who said it, the quote, the date and the"
        " origin change only through an editor, as a published correction."
    )
    claim.refresh_from_db()
    assert claim.text == ROBOTYNE
    assert not Correction.objects.exists()


def test_an_editor_corrects_a_decided_claim_with_a_reason(live_server, page, sign_in, decided, editor):
    claim = decided(ROBOTYNE)
    sign_in(page, editor)
    page.goto(f"{live_server.url}/claims/{claim.pk}/edit/")
    expect(page.get_by_role("note")).to_contain_text("published as a correction")
    corrected = "Russian forces recaptured the village of Robotyne in the Zaporizhzhia region on 15 May"
    page.get_by_label("Claim", exact=True).fill(corrected)

    # Without a reason the change is refused beside the reason field.
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name="Save changes").click()
    assert answer.value.status == 422
    expect(page.locator("#id_correction_reason-error")).to_contain_text(
        "Say why: this claim has a verdict (Corroborated)"
    )
    assert not Correction.objects.exists()

    page.get_by_label("Reason for the correction").fill("The ministry's statement gives the date.")
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(f"{live_server.url}{claim.get_absolute_url()}")
    corrections = page.locator("section.corrections")
    expect(corrections.get_by_role("heading", name="Corrections")).to_be_visible()
    expect(corrections).to_contain_text("by Daniel Weber")
    expect(corrections).to_contain_text("The ministry's statement gives the date.")
    expect(corrections.locator("del")).to_have_text(ROBOTYNE)
    expect(corrections.locator("ins")).to_have_text(corrected)
    assert Correction.objects.get().reason == "The ministry's statement gives the date."


def test_pressing_a_on_a_blocked_queue_card_says_why(live_server, page, sign_in, decided, fact_checker, editor):
    # The proposal was made when the claim had evidence; it has none now, so its gate is unmet.
    claim = ClaimFactory(text="Ukrainian drones struck the Novoshakhtinsk oil refinery overnight")
    review = Review.objects.create(
        claim=claim,
        previous_status="unverified",
        proposed_status="confirmed",
        rationale="Two outlets reported the fire.",
        proposed_by=fact_checker,
    )
    # The same claim, logged twice and already decided otherwise.
    twin = decided("Ukrainian drones struck an oil refinery in Novoshakhtinsk overnight", status="false")
    duplicates.record_for(twin)
    sign_in(page, editor)
    page.goto(f"{live_server.url}/review/")

    card = page.locator(f"#review-{review.pk}")
    expect(card.get_by_role("button", name="Approve")).to_be_disabled()
    expect(card.locator(".duplicate-flag")).to_contain_text(f"⚠ Likely duplicate: #{twin.pk} stands at False.")
    key_note = card.locator("[data-key-note]")
    expect(key_note).to_have_text("")

    card.focus()
    page.keyboard.press("a")
    expect(key_note).to_have_text(
        "Cannot approve: Confirmed needs 2 independent corroborations (from different outlets, not repeating"
        " the claimant); there are 0."
    )
    expect(card).to_be_focused()
    expect(page.locator("article.queue-row")).to_have_count(1)
    review.refresh_from_db()
    assert review.decision == Decision.PENDING
