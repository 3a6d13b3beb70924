"""Background jobs on procrastinate (docs/deploy.md, "Workers"): captures, the link watch, and
handing the jobs of a dead worker to a live one.

A job is a row in the desk's PostgreSQL, deferred in the same transaction as the write that asks
for it, so a capture is queued exactly when its source is linked. Any number of workers on any
number of machines take jobs from it; a worker that dies mid-job stops sending heartbeats and
`retry_stalled_jobs` puts its job back in the queue.
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.db import transaction
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from captures import archiving, fetcher, linkwatch

CAPTURE_ATTEMPTS = 4
# 2 s, then 4, 8: a source that is down for a moment, or the demo's server that is still starting.
CAPTURE_RETRY = RetryStrategy(max_attempts=CAPTURE_ATTEMPTS, exponential_wait=2, retry_exceptions={fetcher.FetchFailed})


@app.task(queue="captures", retry=CAPTURE_RETRY, pass_context=True)
def capture_source(context, capture_id: int) -> None:
    final_attempt = context.job.attempts + 1 >= CAPTURE_ATTEMPTS
    archiving.run_capture(capture_id, final_attempt=final_attempt)


@app.periodic(cron="17 * * * *")
@app.task(queue="watch", queueing_lock="watch_links")
def watch_links(timestamp: int) -> None:
    """Hourly: queue this hour's share of the link checks."""
    for source_id in linkwatch.due_sources():
        # A check still waiting from an earlier hour is enough: the lock refuses a second one.
        # The savepoint keeps the refusal from spoiling a surrounding transaction.
        with contextlib.suppress(AlreadyEnqueued), transaction.atomic():
            check_link.configure(queueing_lock=f"check_link:{source_id}").defer(source_id=source_id)


@app.task(queue="watch", retry=RetryStrategy(max_attempts=2, wait=60))
def check_link(source_id: int) -> None:
    linkwatch.check(source_id)


@app.periodic(cron="* * * * *")
@app.task(queue="housekeeping", queueing_lock="retry_stalled_jobs", pass_context=True)
async def retry_stalled_jobs(context, timestamp: int) -> None:
    """Every minute: jobs whose worker stopped beating go back to the queue (a killed worker loses nothing)."""
    await retry_stalled(context.app)


async def retry_stalled(procrastinate_app) -> int:
    stalled = await procrastinate_app.job_manager.get_stalled_jobs(
        seconds_since_heartbeat=settings.WORKER_STALLED_AFTER_SECONDS
    )
    count = 0
    for job in stalled:
        await procrastinate_app.job_manager.retry_job(job)
        count += 1
    return count
