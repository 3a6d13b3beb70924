"""A busy week's report file as an editor meets it: asked for, prepared by a real worker while the page
stays open, then downloaded with its hash (docs/report-format.md, "Busy weeks")."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KYIV = ZoneInfo("Europe/Kyiv")


def test_a_busy_weeks_json_is_prepared_while_the_page_stays_open(
    live_server, page, settings, tmp_path, start_worker, sign_in, editor, decided_claim
):
    settings.TIME_ZONE = "Europe/Kyiv"
    settings.REPORT_INLINE_LIMIT = 1  # two verdicts make this week "busy"
    settings.MEDIA_ROOT = tmp_path  # where the worker (started with MEDIA_ROOT=tmp_path) writes the file
    for n in range(2):
        decided_claim(
            f"Busy verdict {n}",
            logged=dt.datetime(2024, 5, 14, 9, n, tzinfo=KYIV),
            decided=dt.datetime(2024, 5, 15, 10, n, tzinfo=KYIV),
        )
    start_worker(queues="exports")
    sign_in(page, editor)
    page.goto(f"{live_server.url}/reports/weekly/2024-W20/")

    page.get_by_role("button", name="Prepare the JSON").click()
    page.evaluate("window.__same_page = true")  # gone if the page reloads
    download = page.get_by_role("link", name="Download the JSON")
    expect(download).to_be_visible(timeout=60_000)
    assert page.evaluate("window.__same_page") is True

    response = page.request.get(f"{live_server.url}{download.get_attribute('href')}")
    assert response.ok
    body = response.body()
    assert hashlib.sha256(body).hexdigest() == response.headers["x-content-sha256"]
    report = json.loads(body)
    assert report["week"] == "2024-W20"
    assert len(report["verdicts"]) == 2
