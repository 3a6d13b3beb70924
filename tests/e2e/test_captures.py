"""A capture as a fact-checker sees it: link a source, watch the desk's copy arrive without reloading,
open the screenshot. A real worker process does the capture (docs/architecture.md)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import ClaimFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_linked_source_is_captured_while_the_page_stays_open(
    live_server, page, site, start_worker, sign_in, fact_checker
):
    claim = ClaimFactory(text="Air defences shot down ten missiles over the peninsula overnight")
    start_worker()
    sign_in(page, fact_checker)
    page.goto(f"{live_server.url}{claim.get_absolute_url()}")

    form = page.locator("#evidence-form")
    form.get_by_label("Source address").fill(site.url("/briefing.html"))
    form.get_by_label("Corroborates").check()
    form.get_by_role("button", name="Add evidence").click()

    captures = page.locator(".captures").first
    # Queued, already running, or (on a fast machine) done: the block is there at once, without a reload.
    expect(captures).to_contain_text(re.compile("Capture queued|Capturing…|Captured"))
    page.evaluate("window.__same_page = true")  # gone if the page reloads
    expect(captures.get_by_text("Captured", exact=True)).to_be_visible(timeout=60_000)
    assert page.evaluate("window.__same_page") is True
    assert len(captures.locator("code.hash").inner_text().rstrip("…")) == 12

    with page.expect_popup() as popup_info:
        captures.get_by_role("link", name="Screenshot").click()
    screenshot = popup_info.value
    screenshot.wait_for_load_state()
    response = screenshot.request.get(screenshot.url)
    assert response.headers["content-type"] == "image/png"
    assert len(response.headers["x-content-sha256"]) == 64
