"""The link watch and the Internet Archive (docs/architecture.md, "Evidence that does not vanish"):
sources behind decided claims are re-checked, gone and changed pages are marked, and the claims they
back show as evidence at risk with the desk's copy one click away."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from captures import archiving, linkwatch, savepagenow
from captures.models import ArtifactKind, Capture, LinkWatch
from captures.tasks import watch_links
from claims.models import JobState, Status
from tests.capture_server import Page
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db

REWRITTEN = b"<html><body><article><p>" + b"The ministry has withdrawn this briefing entirely. " * 8 + b"</p></article>"


def decided_claim_citing(url: str, status=Status.CORROBORATED):
    evidence = EvidenceFactory(claim=ClaimFactory(status=status), source=SourceFactory(url=url, outlet=None))
    capture = Capture.objects.create(source=evidence.source)
    archiving.run_capture(capture.pk)
    return evidence.claim, evidence.source


def test_a_page_that_answers_404_or_410_is_gone_since_the_first_check_that_saw_it(site):
    claim, source = decided_claim_citing(site.url("/briefing.html"))
    first_check = timezone.now()
    assert linkwatch.check(source.pk, now=first_check).gone_since is None

    site.pages["/briefing.html"] = Page(b"gone", status=410)
    watch = linkwatch.check(source.pk, now=first_check + dt.timedelta(days=7))
    later = linkwatch.check(source.pk, now=first_check + dt.timedelta(days=14))

    assert watch.gone_since == later.gone_since == first_check + dt.timedelta(days=7)
    assert later.last_status == 410
    assert later.last_checked_at == first_check + dt.timedelta(days=14)
    assert linkwatch.claims_at_risk() == [claim]


def test_a_host_name_that_no_longer_exists_is_gone():
    _claim, source = decided_claim_citing("http://ministry-briefings.invalid/15-may")
    watch = linkwatch.check(source.pk)
    assert watch.gone_since is not None
    assert watch.last_status is None


def test_a_page_whose_text_changed_since_capture_is_marked_and_cleared_when_it_is_back(site):
    claim, source = decided_claim_citing(site.url("/briefing.html"))
    original = site.pages["/briefing.html"]

    assert linkwatch.check(source.pk).changed_since is None
    site.pages["/briefing.html"] = Page(REWRITTEN)
    changed = linkwatch.check(source.pk)
    assert changed.changed_since is not None and changed.gone_since is None
    assert linkwatch.claims_at_risk() == [claim]

    site.pages["/briefing.html"] = original
    assert linkwatch.check(source.pk).changed_since is None
    assert linkwatch.claims_at_risk() == []


def test_a_check_that_says_nothing_either_way_changes_nothing(site, settings):
    _claim, source = decided_claim_citing(site.url("/briefing.html"))
    site.pages["/briefing.html"] = Page(b"down for maintenance", status=503)
    watch = linkwatch.check(source.pk)
    assert (watch.gone_since, watch.changed_since) == (None, None)
    assert watch.last_problem == "The server answered 503 Service Unavailable."

    settings.CAPTURE_TIMEOUT_SECONDS = 1
    site.pages["/briefing.html"] = Page(b"late", delay=3)
    watch = linkwatch.check(source.pk)
    assert watch.gone_since is None and "did not answer in time" in watch.last_problem


def test_only_sources_behind_decided_claims_are_watched_a_weeks_share_each_hour(settings):
    settings.LINK_WATCH_DAYS = 7
    unverified = EvidenceFactory(claim=ClaimFactory(status=Status.UNVERIFIED)).source
    decided = [EvidenceFactory(claim=ClaimFactory(status=Status.FALSE)).source for _ in range(200)]
    now = timezone.now()

    due = linkwatch.due_sources(now)
    assert len(due) == 2  # 200 sources over 168 hours: two an hour
    assert unverified.pk not in due
    for source_id in due:
        LinkWatch.objects.create(source_id=source_id, last_checked_at=now)
    assert set(linkwatch.due_sources(now)).isdisjoint(due)  # checked this week: not due again

    # A week later those two are due again, before the others checked only yesterday.
    LinkWatch.objects.bulk_create(
        LinkWatch(source=source, last_checked_at=now - dt.timedelta(days=1))
        for source in decided
        if source.pk not in due
    )
    LinkWatch.objects.filter(source_id__in=due).update(last_checked_at=now - dt.timedelta(days=8))
    assert sorted(linkwatch.due_sources(now)) == sorted(due)


def test_the_hourly_task_queues_one_check_per_due_source_once(settings):
    sources = [EvidenceFactory(claim=ClaimFactory(status=Status.CONFIRMED)).source for _ in range(3)]
    settings.LINK_WATCH_DAYS = 1  # 3 sources over 24 hours: one an hour

    watch_links(timestamp=0)
    watch_links(timestamp=3600)  # the same source is still due: its queued check is enough

    ours = [{"source_id": source.pk} for source in sources]
    jobs = ProcrastinateJob.objects.filter(task_name="captures.tasks.check_link")
    assert [job.args for job in jobs if job.args in ours] == [{"source_id": sources[0].pk}]


def test_the_claim_page_and_dashboard_show_evidence_at_risk_with_the_desks_copy(site, fact_checker_client):
    claim, source = decided_claim_citing(site.url("/briefing.html"))
    capture = source.captures.get()
    site.pages["/briefing.html"] = Page(b"", status=404)
    linkwatch.check(source.pk)

    page = fact_checker_client.get(claim.get_absolute_url()).content.decode()
    assert "Evidence at risk:" in page and "Gone since" in page
    assert capture.artifact(ArtifactKind.SCREENSHOT).get_absolute_url() in page

    dashboard = fact_checker_client.get(reverse("claims:dashboard")).content.decode()
    assert "Evidence at risk" in dashboard
    assert f"{claim.get_absolute_url()}#evidence" in dashboard
    assert "1 source gone or changed" in dashboard


def test_an_unverified_claim_is_never_at_risk(site):
    evidence = EvidenceFactory(source=SourceFactory(url=site.url("/missing"), outlet=None))
    linkwatch.check(evidence.source.pk)
    assert linkwatch.claims_at_risk() == []


# --- Save Page Now -------------------------------------------------------------------------------------


@pytest.fixture
def save_page_now(site, settings):
    """The Internet Archive's Save Page Now, played by the local server (never the real service)."""
    settings.SAVE_PAGE_NOW = True
    settings.SAVE_PAGE_NOW_URL = site.url("").rstrip("/")
    settings.SAVE_PAGE_NOW_ACCESS_KEY = "access"
    settings.SAVE_PAGE_NOW_SECRET_KEY = "secret"
    return site


def test_with_save_page_now_on_the_snapshot_url_is_kept_with_the_capture(save_page_now):
    site = save_page_now
    source = SourceFactory(url=site.url("/briefing.html"), outlet=None)
    capture = archiving.run_capture(Capture.objects.create(source=source).pk)

    assert capture.state == JobState.DONE
    assert capture.archive_url == site.url("/web/20240515120000/") + site.url("/briefing.html")
    assert "POST /save" in site.requests


def test_a_save_page_now_refusal_is_said_and_the_desks_own_capture_stands(save_page_now, settings):
    settings.SAVE_PAGE_NOW_ACCESS_KEY = ""  # the stand-in refuses a request without keys
    settings.SAVE_PAGE_NOW_SECRET_KEY = ""
    save_page_now.pages["/save"] = Page(b"")
    source = SourceFactory(url=save_page_now.url("/briefing.html"), outlet=None)
    capture = archiving.run_capture(Capture.objects.create(source=source).pk)

    assert capture.state == JobState.DONE
    assert capture.archive_url == ""
    assert capture.reason.startswith("No Internet Archive snapshot")
    assert capture.artifact(ArtifactKind.WARC)


def test_save_page_now_is_off_by_default(settings):
    assert savepagenow.enabled() is False


def test_the_dashboards_queries_do_not_grow_with_claims_at_risk(editor_client):
    def at_risk_claims(count: int) -> None:
        for _ in range(count):
            source = EvidenceFactory(claim=ClaimFactory(status=Status.FALSE)).source
            LinkWatch.objects.create(source=source, last_checked_at=timezone.now(), gone_since=timezone.now())

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            page = editor_client.get(reverse("claims:dashboard")).content.decode()
        assert "Evidence at risk" in page
        return len(context)

    at_risk_claims(1)
    one = queries()
    at_risk_claims(6)
    assert queries() == one
