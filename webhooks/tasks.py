"""Sending webhook deliveries, on the worker's "webhooks" queue (docs/architecture.md, "Webhooks").

One job is one attempt. The POST goes out through the safe fetcher's address checks, outside any
transaction; then the attempt is recorded under the delivery's row lock, and a failed attempt that
has attempts left defers the next job in the same transaction, WEBHOOK_BACKOFF_SECONDS doubled for
each attempt made (10, 20, 40 s…). A refused address is not retried: it would be refused again.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob
from standardwebhooks.webhooks import Webhook

from captures import fetcher
from webhooks.models import Attempt, Delivery, DeliveryState

log = logging.getLogger("newsdesk.webhooks")


def signed_headers(delivery: Delivery, secret: str, at: dt.datetime) -> dict[str, str]:
    """The Standard Webhooks headers: the message id, the time of this attempt, and the signature of both
    with the body (`v1,` and the HMAC-SHA256 in base64)."""
    return {
        "content-type": "application/json",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(delivery.message_id, at, delivery.body),
    }


def post(delivery: Delivery) -> tuple[int | None, str, bool]:
    """Send the delivery once: (the answer's status, what went wrong or "", whether to try again)."""
    endpoint = delivery.endpoint
    if not endpoint.enabled:
        return None, "Not sent: the endpoint is disabled.", False
    headers = signed_headers(delivery, endpoint.secret, timezone.now())
    try:
        status = fetcher.post(
            endpoint.url,
            content=delivery.body.encode("utf-8"),
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
        )
    except fetcher.FetchRefused as refusal:
        return None, refusal.reason, False
    except fetcher.FetchError as error:
        return None, error.reason, True
    except Exception:  # whatever went wrong, the attempt is recorded and retried, never left "sending"
        log.exception("webhooks.send_failed", extra={"event": "webhooks.send_failed", "delivery": delivery.pk})
        return None, "The desk could not send it (an error on the desk's side, logged).", True
    if 200 <= status < 300:
        return status, "", False
    if 300 <= status < 400:
        return status, f"The endpoint answered {status}, a redirect; webhooks do not follow redirects.", True
    return status, f"The endpoint answered {status}; only a 2xx answer counts as delivered.", True


def backoff_seconds(attempts_made: int) -> int:
    return settings.WEBHOOK_BACKOFF_SECONDS * 2 ** (attempts_made - 1)


@app.task(queue="webhooks")
def deliver(delivery_id: int) -> None:
    delivery = Delivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.state != DeliveryState.PENDING:
        return  # the endpoint was deleted, or a job run twice finds its delivery finished
    started_at, clock = timezone.now(), time.monotonic()
    status, error, worth_retrying = post(delivery)
    duration_ms = round((time.monotonic() - clock) * 1000)
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.state != DeliveryState.PENDING:
            return
        number = delivery.attempts + 1
        Attempt.objects.create(
            delivery=delivery,
            number=number,
            started_at=started_at,
            duration_ms=duration_ms,
            status_code=status,
            error=error,
        )
        delivery.attempts, delivery.last_status_code, delivery.last_error = number, status, error
        delivery.next_attempt_at = None
        if not error:
            delivery.state, delivery.finished_at = DeliveryState.DELIVERED, timezone.now()
        elif worth_retrying and number < settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.next_attempt_at = timezone.now() + dt.timedelta(seconds=backoff_seconds(number))
            deliver.configure(schedule_at=delivery.next_attempt_at).defer(delivery_id=delivery.pk)
        else:
            delivery.state, delivery.finished_at = DeliveryState.FAILED, timezone.now()
            if worth_retrying:
                delivery.last_error = f"{error} Gave up after {number} attempt{'' if number == 1 else 's'}."
        delivery.save(
            update_fields=["attempts", "last_status_code", "last_error", "next_attempt_at", "state", "finished_at"]
        )


# A delivery waits this long past its time before the sweep below takes it for lost.
LOST_AFTER = dt.timedelta(minutes=10)


@app.periodic(cron="*/10 * * * *")
@app.task(queue="housekeeping", queueing_lock="resume_deliveries")
def resume_deliveries(timestamp: int) -> int:
    """Every ten minutes: queue again a delivery still pending with no job left to send it (its job failed
    while recording an attempt, or was lost with its database row); how many were queued."""
    lost = timezone.now() - LOST_AFTER
    queued = {
        job.args.get("delivery_id")
        for job in ProcrastinateJob.objects.filter(task_name=deliver.name, status__in=["todo", "doing"]).only("args")
    }
    overdue = Delivery.objects.filter(state=DeliveryState.PENDING).filter(
        Q(next_attempt_at__lt=lost) | Q(next_attempt_at__isnull=True, created_at__lt=lost)
    )
    resumed = [pk for pk in overdue.values_list("pk", flat=True) if pk not in queued]
    for pk in resumed:
        deliver.defer(delivery_id=pk)
    return len(resumed)
