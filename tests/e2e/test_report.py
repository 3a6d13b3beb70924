from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from claims import workflow
from claims.models import Review
from tests.factories import PASSWORD, ClaimFactory, EvidenceFactory, ReviewFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_editor_reads_a_week_moves_back_a_week_and_downloads_the_csv(
    live_server, page, settings, tmp_path, fact_checker, editor
):
    settings.TIME_ZONE = "Europe/Kyiv"
    kyiv = ZoneInfo("Europe/Kyiv")
    for text, day in [("Verdict in week 20", 15), ("Verdict in week 19", 8)]:
        logged = dt.datetime(2024, 5, day, 10, tzinfo=kyiv)
        claim = ClaimFactory(text=text, created_at=logged, updated_at=logged)
        EvidenceFactory(claim=claim)
        review = ReviewFactory(claim=claim, proposed_by=fact_checker, proposed_at=logged)
        workflow.review_approve(review=review, user=editor)
        Review.objects.filter(pk=review.pk).update(decided_at=logged + dt.timedelta(hours=3))

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/reports/weekly/2024-W20/")
    expect(page.get_by_role("heading", name="Week 20, 2024")).to_be_visible()
    expect(page.locator(".verdict")).to_contain_text("Verdict in week 20")

    page.get_by_role("link", name="« 2024-W19").click()
    expect(page.get_by_role("heading", name="Week 19, 2024")).to_be_visible()
    expect(page.locator(".verdict")).to_contain_text("Verdict in week 19")

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    target = tmp_path / "w19.csv"
    download.value.save_as(target)
    assert download.value.suggested_filename == "newsdesk-2024-W19.csv"
    assert "Verdict in week 19" in target.read_text(encoding="utf-8")
    assert "Verdict in week 20" not in target.read_text(encoding="utf-8")
