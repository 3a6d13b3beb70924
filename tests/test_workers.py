"""Real worker processes (`manage.py procrastinate worker`) against the test database: a linked
source is captured by a worker, and a worker killed mid-capture loses nothing (docs/deploy.md,
"Workers")."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from captures.models import ArtifactKind, Capture
from captures.tasks import retry_stalled
from claims import workflow
from claims.models import JobState
from tests.capture_server import Page
from tests.crash_support import wait_for
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db(transaction=True)


def link(url: str, user) -> Capture:
    """`user` links the page at `url` to a new claim as evidence; the desk queues its capture."""
    evidence = workflow.evidence_add(
        claim=ClaimFactory(), user=user, url=url, title="", kind="article", stance="corroborates"
    )
    return Capture.objects.get(source=evidence.source)


def retry_stalled_now() -> int:
    """What the periodic retry_stalled_jobs task does, run here. In a thread of its own: a browser
    test earlier in the session may have left an event loop in this one."""

    async def retry_and_disconnect() -> int:
        try:
            return await retry_stalled(app)
        finally:  # the database connection it opened lives in asgiref's thread: close it there
            await sync_to_async(connections.close_all)()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, retry_and_disconnect()).result()


def job_status(capture: Capture) -> str:
    return ProcrastinateJob.objects.get(args__capture_id=capture.pk).status


def state_of(capture: Capture) -> str:
    capture.refresh_from_db()
    return capture.state


def test_a_worker_process_captures_a_newly_linked_source(site, start_worker, fact_checker):
    capture = link(site.url("/briefing.html"), fact_checker)
    worker = start_worker()

    wait_for(
        "the capture to finish",
        lambda: state_of(capture) in (JobState.DONE, JobState.FAILED),
        also=worker.output,
        seconds=60,
    )

    assert capture.state == JobState.DONE, capture.reason + worker.output()
    kinds = {artifact.kind for artifact in capture.artifacts.all()}
    assert kinds == {ArtifactKind.WARC, ArtifactKind.TEXT, ArtifactKind.SCREENSHOT, ArtifactKind.PDF}
    # The worker marks the job done just after the capture's own transaction.
    wait_for("the job to succeed", lambda: job_status(capture) == "succeeded", also=worker.output)


def test_a_worker_killed_mid_capture_loses_nothing_the_job_is_retried_to_completion(
    site, start_worker, settings, fact_checker
):
    settings.WORKER_STALLED_AFTER_SECONDS = 2
    site.pages["/slow.html"] = Page(site.pages["/briefing.html"].body, delay=6)
    capture = link(site.url("/slow.html"), fact_checker)
    first = start_worker("first")
    wait_for(
        "the first worker to start the capture",
        lambda: state_of(capture) == JobState.RUNNING,
        also=first.output,
        seconds=60,
    )

    first.kill()  # SIGKILL: no clean-up runs
    job = ProcrastinateJob.objects.get(args__capture_id=capture.pk)
    assert job.status == "doing"
    assert state_of(capture) == JobState.RUNNING
    assert not capture.artifacts.exists()  # nothing half-written is recorded

    # Its heartbeat has stopped: after WORKER_STALLED_AFTER_SECONDS the job goes back to the queue.
    wait_for("the job to count as stalled", lambda: retry_stalled_now() == 1, seconds=30)
    assert ProcrastinateJob.objects.get(pk=job.pk).status == "todo"

    site.pages["/slow.html"].delay = 0
    second = start_worker("second")
    wait_for(
        "the retried capture to finish",
        lambda: state_of(capture) in (JobState.DONE, JobState.FAILED),
        also=second.output,
        seconds=60,
    )

    assert capture.state == JobState.DONE, capture.reason
    assert capture.attempts == 2
    assert capture.artifacts.count() == 4
    wait_for("the job to succeed", lambda: job_status(capture) == "succeeded", also=second.output)
