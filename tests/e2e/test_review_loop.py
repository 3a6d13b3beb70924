"""The four-eyes loop in two browsers: a fact-checker proposes, an editor decides."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from claims.models import Review
from tests.factories import (
    AffiliationFactory,
    ClaimantFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    SourceFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def waiting_proposal(text: str, *, proposed_by) -> Review:
    """A claim with one independent source and a pending proposal of "corroborated"."""
    claim = ClaimFactory(text=text)
    EvidenceFactory(claim=claim)
    return Review.objects.create(
        claim=claim,
        previous_status="unverified",
        proposed_status="corroborated",
        rationale="One independent source.",
        proposed_by=proposed_by,
    )


@pytest.fixture
def editor_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_propose_confirmed_meet_the_gate_approve_and_return(
    live_server, page, editor_page, sign_in, fact_checker, editor
):
    russia, independent = AffiliationFactory(name="Russian government"), AffiliationFactory(name="Independent")
    ministry = ClaimantFactory(name="Russian Ministry of Defence", affiliation=russia)
    OutletFactory(domain="apnews.com", name="AP", affiliation=independent)
    claim = ClaimFactory(text="Ten ATACMS missiles were shot down over Crimea", claimant=ministry)
    EvidenceFactory(
        claim=claim,
        source=SourceFactory(
            url="https://reuters.com/a",
            outlet=OutletFactory(domain="reuters.com", name="Reuters", affiliation=independent),
        ),
    )
    other = ClaimFactory(text="Seventeen drones were shot down over Belgorod", claimant=ministry)

    # The fact-checker proposes "confirmed" with one independent source: the gate is unmet, so the
    # proposal is refused with the sentence the form shows, and nothing reaches the queue.
    sign_in(page, fact_checker)
    page.goto(f"{live_server.url}{claim.get_absolute_url()}")
    proposal = page.locator("#proposal")
    confirmed = proposal.locator("label.gate", has_text="Confirmed")
    expect(confirmed).to_contain_text("Confirmed needs 2 independent corroborations")
    confirmed.click()
    page.get_by_label("Rationale").fill("Reuters and AP both report the interception independently.")
    page.get_by_role("button", name="Send to an editor").click()
    expect(proposal.locator(".field-error")).to_have_text(
        "Confirmed needs 2 independent corroborations (from different outlets, not repeating the claimant); there is 1."
    )
    assert not Review.objects.filter(claim=claim).exists()
    # …adds the second independent source the gate asks for, and proposes again.
    page.get_by_label("Source address").fill("https://apnews.com/article/crimea-missiles")
    page.get_by_label("Corroborates").check()
    page.get_by_role("button", name="Add evidence").click()
    expect(page.locator("#claim-summary")).to_have_text("2 corroborating (2 independent) · 0 contradicting")
    proposal.locator("label.gate", has_text="Confirmed").click()
    expect(page.get_by_label("Rationale")).to_have_value("Reuters and AP both report the interception independently.")
    page.get_by_role("button", name="Send to an editor").click()
    expect(proposal).to_contain_text("it waits for an editor")

    # A second proposal, which the editor will return.
    page.goto(f"{live_server.url}{other.get_absolute_url()}")
    page.locator("#proposal label.gate", has_text="Unverifiable").click()
    page.get_by_label("Rationale").fill("Only the ministry says so.")
    page.get_by_role("button", name="Send to an editor").click()

    # The editor works the queue: approve one, return the other with a note.
    sign_in(editor_page, editor)
    counter = editor_page.locator("#queue-count")
    expect(counter).to_have_text("2")
    editor_page.get_by_role("link", name="Review queue").click()
    row = editor_page.locator("article.queue-row", has_text="Ten ATACMS missiles")
    expect(row).to_contain_text("Evidence gate met")
    row.get_by_role("button", name="Approve").click()
    expect(row).to_have_count(0)
    expect(counter).to_have_text("1")
    second = editor_page.locator("article.queue-row", has_text="Seventeen drones")
    second.get_by_text("Return…").click()
    second.get_by_label("Note for Olena Marchenko").fill("Look for the regional governor's statement first.")
    second.get_by_role("button", name="Return with note").click()
    expect(editor_page.locator("article.queue-row")).to_have_count(0)
    expect(counter).to_have_text("0")

    # The claim page shows the new status and the decision in its history.
    editor_page.goto(f"{live_server.url}{claim.get_absolute_url()}")
    expect(editor_page.locator(".scale-step.current")).to_have_text("Confirmed")
    expect(editor_page.locator("#history")).to_contain_text("Approved: Unverified → Confirmed")

    # The fact-checker finds the returned proposal, with the note, on the dashboard.
    page.goto(f"{live_server.url}/")
    returned = page.locator("section.returned")
    expect(returned).to_contain_text("Seventeen drones were shot down over Belgorod")
    expect(returned).to_contain_text("Look for the regional governor's statement first.")


def test_a_decision_elsewhere_removes_the_row_from_an_open_queue(
    live_server, editor_page, browser, sign_in, fact_checker, editor, second_editor
):
    waiting_proposal("Robotyne was taken", proposed_by=fact_checker)
    sign_in(editor_page, editor)
    editor_page.goto(f"{live_server.url}/review/")
    expect(editor_page.locator("article.queue-row")).to_have_count(1)

    other = browser.new_context().new_page()
    sign_in(other, second_editor)
    other.goto(f"{live_server.url}/review/")
    other.get_by_role("button", name="Approve").click()
    expect(other.locator("article.queue-row")).to_have_count(0)

    # Daniel's queue drops the row by itself within a poll.
    expect(editor_page.locator("article.queue-row")).to_have_count(0, timeout=12_000)
    other.context.close()


def test_an_editor_decides_from_the_keyboard(live_server, editor_page, sign_in, fact_checker, editor):
    for text in ["First claim to approve", "Second claim to return"]:
        waiting_proposal(text, proposed_by=fact_checker)
    sign_in(editor_page, editor)
    editor_page.goto(f"{live_server.url}/review/")
    rows = editor_page.locator("article.queue-row")
    expect(rows).to_have_count(2)

    rows.first.focus()
    editor_page.keyboard.press("a")  # approve the focused proposal
    expect(rows).to_have_count(1)
    expect(rows.first).to_be_focused()  # focus moved on to the next proposal
    editor_page.keyboard.press("r")  # open the return note
    expect(editor_page.get_by_label("Note for Olena Marchenko")).to_be_focused()
    editor_page.keyboard.type("Needs a second, independent source.")
    editor_page.keyboard.press("Control+Enter")
    expect(rows).to_have_count(0)
    assert list(Review.objects.order_by("pk").values_list("decision", flat=True)) == ["approved", "returned"]


def test_j_and_k_move_between_proposals_and_the_heading_counts_down(
    live_server, editor_page, sign_in, fact_checker, editor
):
    for text in ["First waiting claim", "Second waiting claim"]:
        waiting_proposal(text, proposed_by=fact_checker)
    own = waiting_proposal("The editor's own proposal", proposed_by=editor)
    sign_in(editor_page, editor)
    editor_page.goto(f"{live_server.url}/review/")
    rows = editor_page.locator("article.queue-row")
    expect(rows).to_have_count(3)
    expect(editor_page.locator("#queue-total")).to_have_text("3 proposals waiting.")
    expect(editor_page.get_by_text("j and k move to the next and previous proposal")).to_be_visible()
    expect(rows.first.get_by_role("list", name="Key sources")).to_contain_text("Corroborates")

    editor_page.keyboard.press("j")  # from anywhere on the page: the first proposal
    expect(rows.nth(0)).to_be_focused()
    editor_page.keyboard.press("j")
    expect(rows.nth(1)).to_be_focused()
    editor_page.keyboard.press("k")
    expect(rows.nth(0)).to_be_focused()

    own_row = editor_page.locator(f"#review-{own.pk}")
    own_row.focus()
    editor_page.keyboard.press("r")  # not the editor's to decide: the card says why
    expect(own_row.locator("[data-key-note]")).to_have_text(
        "You cannot return this proposal: another editor decides it."
    )

    rows.first.focus()
    editor_page.keyboard.press("a")
    expect(editor_page.locator("#queue-total")).to_have_text("2 proposals waiting.")  # without reloading
