"""A fact-checker's working session, end to end in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from claims.models import Claim, Review
from tests.factories import AffiliationFactory, ClaimFactory, OutletFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_log_a_claim_add_evidence_find_it_and_propose_a_status(live_server, page, sign_in, fact_checker):
    AffiliationFactory(name="Russian government")
    independent = AffiliationFactory(name="Independent")
    OutletFactory(domain="reuters.com", name="Reuters", affiliation=independent)
    OutletFactory(domain="apnews.com", name="AP", affiliation=independent)
    ClaimFactory(text="Russian air defences shot down 10 ATACMS missiles over Crimea overnight.")
    sign_in(page, fact_checker)

    # Log a claim with a new claimant; the duplicate guard points at the near-identical one.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Claims").click()
    page.get_by_role("link", name="Log a claim").click()
    page.get_by_label("Claim", exact=True).fill("Air defences shot down ten ATACMS missiles over Crimea")
    similar = page.locator("#similar")
    expect(similar).to_contain_text("Russian air defences shot down 10 ATACMS missiles over Crimea overnight.")
    page.get_by_label("Claimant").fill("Crimea occupation authority")
    page.get_by_label("Claimed on").fill("2024-05-15")  # no default: the day it was said, not the day it was logged
    page.get_by_text("New claimant? Set its kind and affiliation").click()
    page.get_by_label("Affiliation").select_option(label="Russian government")
    page.get_by_role("button", name="Log claim").click()
    # It reads like the claim on the desk, so the desk asks first; this one is logged as new.
    expect(page.locator(".duplicate-ask")).to_contain_text("This claim may already be on the desk")
    page.get_by_role("button", name="Log as a new claim").click()
    expect(page.get_by_role("heading", name="Air defences shot down ten ATACMS missiles over Crimea")).to_be_visible()
    claim_url = page.url

    # Add a corroborating and a contradicting source; the summary updates without a reload.
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Source address").fill("https://www.reuters.com/world/crimea-strike?utm_source=feed")
    page.get_by_label("Title").fill("Reuters on the Crimea strike")
    page.get_by_label("Corroborates").check()
    page.get_by_role("button", name="Add evidence").click()
    expect(page.locator("#claim-summary")).to_have_text("1 corroborating (1 independent) · 0 contradicting")
    page.get_by_label("Source address").fill("https://apnews.com/article/crimea-debris")
    page.get_by_label("Contradicts").check()
    page.get_by_role("button", name="Add evidence").click()
    expect(page.locator("#claim-summary")).to_have_text("1 corroborating (1 independent) · 1 contradicting")
    assert page.evaluate("window.notReloaded") is True

    # Find it again from the list by status and by search text.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Claims").click()
    page.locator("label.chip", has_text="Unverified").click()
    expect(page).to_have_url(re.compile(r"status=unverified"))
    page.get_by_label("Search claims").fill("ATACMS ten")
    expect(page).to_have_url(re.compile(r"q=ATACMS"))
    result = page.get_by_role("link", name="Air defences shot down ten ATACMS missiles over Crimea")
    expect(result).to_be_visible()
    expect(page.locator("#results")).not_to_contain_text("overnight")
    result.click()
    expect(page).to_have_url(claim_url)

    # Propose a status; the gate for "confirmed" says what is missing.
    expect(page.locator("#proposal")).to_contain_text("Confirmed needs 2 independent corroborations")
    page.locator("#proposal").get_by_text("Disputed").click()
    page.get_by_label("Rationale").fill("The ministry and AP's debris report disagree.")
    page.get_by_role("button", name="Send to an editor").click()
    expect(page.locator("#proposal")).to_contain_text("it waits for an editor")

    claim = Claim.objects.get(text="Air defences shot down ten ATACMS missiles over Crimea")
    assert claim.claimant.affiliation.name == "Russian government"
    assert Review.objects.get(claim=claim).proposed_status == "disputed"


def test_bad_evidence_is_explained_beside_the_field(live_server, page, sign_in, fact_checker):
    claim = ClaimFactory(text="Seventeen drones over Belgorod")
    sign_in(page, fact_checker)
    page.goto(f"{live_server.url}{claim.get_absolute_url()}")
    page.get_by_label("Source address").fill("javascript:alert(1)")
    page.get_by_label("Corroborates").check()
    page.get_by_role("button", name="Add evidence").click()
    expect(page.locator("#evidence-form")).to_contain_text("Only http:// and https:// addresses are accepted.")
    expect(page.locator("#claim-summary")).to_have_text("0 corroborating (0 independent) · 0 contradicting")
