"""The desk's events turned into webhook deliveries (docs/architecture.md, "Webhooks").

Each receiver runs inside the transaction of the write it hears about (claims/signals.py): it writes
one Delivery per enabled endpoint subscribed to the event, with the body as it is at this moment, and
defers the job that sends it, so the deliveries commit or roll back with the write. Nothing here talks
to the network. A write nobody subscribed to costs one query; a webhook failure here is logged and
rolled back to its savepoint, never allowed to fail the desk's write.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from captures import linkwatch
from claims import signals
from claims.models import Claim, Correction, Decision, Review
from claims.people import display_name
from webhooks.models import TEST_EVENT, Delivery, Endpoint, EventType

log = logging.getLogger("newsdesk.webhooks")


def iso(moment: dt.datetime | None) -> str | None:
    """ISO-8601 in UTC with a Z, as Standard Webhooks payloads write times."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def body_for(event_type: str, data: dict, *, at: dt.datetime) -> str:
    return json.dumps({"type": event_type, "timestamp": iso(at), "data": data}, ensure_ascii=False)


def record(
    event_type: str, data: Callable[[], list[dict]], *, endpoints: list[Endpoint] | None = None
) -> list[Delivery]:
    """Write the deliveries of one event and defer their jobs, in the caller's transaction.

    `data` is asked only when some endpoint wants the event; it gives one payload's data per event
    (evidence at risk is one event per claim)."""
    from webhooks.tasks import deliver

    if endpoints is None:
        endpoints = list(Endpoint.objects.subscribed_to(event_type))
    if not endpoints:
        return []
    try:
        with transaction.atomic():  # a savepoint: a failure here leaves the desk's write standing
            now = timezone.now()
            deliveries = Delivery.objects.bulk_create(
                Delivery(
                    endpoint=endpoint, event_type=event_type, body=body_for(event_type, each, at=now), created_at=now
                )
                for each in data()
                for endpoint in endpoints
            )
            for delivery in deliveries:
                deliver.defer(delivery_id=delivery.pk)
    except Exception:
        log.exception("Webhook deliveries for %s were not recorded", event_type)
        return []
    return deliveries


# --- What each event's data says -----------------------------------------------------------------


def claim_data(claim: Claim) -> dict:
    return {
        "id": claim.pk,
        "url": settings.SITE_URL + claim.get_absolute_url(),
        "text": claim.text,
        "claimant": claim.claimant.name,
        "status": claim.status,
        "claimed_on": str(claim.claimed_on),
    }


def review_data(review: Review) -> dict:
    return {
        "id": review.pk,
        "from_status": review.previous_status,
        "to_status": review.proposed_status,
        "rationale": review.rationale,
        "decided_by": display_name(review.decided_by),
        "decided_at": iso(review.decided_at),
    }


def correction_data(correction: Correction) -> dict:
    return {
        "id": correction.pk,
        "reason": correction.reason,
        "changes": correction.changes,
        "verdict": correction.status,
        "made_by": display_name(correction.made_by),
        "made_at": iso(correction.made_at),
    }


def earlier_verdict(review: Review) -> Review | None:
    """The approved verdict an approval replaces, if the claim had one."""
    earlier = Review.objects.filter(claim_id=review.claim_id, decision=Decision.APPROVED).exclude(pk=review.pk)
    return earlier.order_by("-decided_at", "-id").first()


# --- Receivers -----------------------------------------------------------------------------------


def on_claim_logged(sender, claim: Claim, by=None, **kwargs) -> None:
    record(EventType.CLAIM_LOGGED, lambda: [{"claim": claim_data(claim)}])


def on_review_decided(sender, review: Review, by=None, **kwargs) -> None:
    if review.decision != Decision.APPROVED:
        return
    # One query for both events an approval can be: approved, and corrected when it replaces a verdict.
    wanted = [EventType.VERDICT_APPROVED, EventType.VERDICT_CORRECTED]
    endpoints = list(Endpoint.objects.filter(enabled=True, events__overlap=wanted))
    approving = [endpoint for endpoint in endpoints if EventType.VERDICT_APPROVED in endpoint.events]
    replacing = [endpoint for endpoint in endpoints if EventType.VERDICT_CORRECTED in endpoint.events]
    if approving:
        record(
            EventType.VERDICT_APPROVED,
            lambda: [{"claim": claim_data(review.claim), "review": review_data(review)}],
            endpoints=approving,
        )
    earlier = earlier_verdict(review) if replacing else None
    if earlier is None:
        return
    replaced = {"review_id": earlier.pk, "status": earlier.proposed_status, "decided_at": iso(earlier.decided_at)}
    record(
        EventType.VERDICT_CORRECTED,
        lambda: [{"claim": claim_data(review.claim), "review": review_data(review), "replaces": replaced}],
        endpoints=replacing,
    )


def on_claim_corrected(sender, correction: Correction, by=None, **kwargs) -> None:
    record(
        EventType.VERDICT_CORRECTED,
        lambda: [{"claim": claim_data(correction.claim), "correction": correction_data(correction)}],
    )


def on_evidence_at_risk(sender, watch, by=None, **kwargs) -> None:
    def data() -> list[dict]:
        source = watch.source
        happened = "gone" if watch.gone_since else "changed"
        at_risk = {
            "url": source.url,
            "title": source.title,
            "what_happened": happened,
            "since": iso(watch.gone_since or watch.changed_since),
        }
        # The same claims the desk counts at risk (captures/linkwatch.py), one claim a source cites once.
        claims_at_risk = linkwatch.decided_claims_citing(source.pk).select_related("claimant").order_by("pk")
        return [{"claim": claim_data(claim), "source": at_risk} for claim in claims_at_risk]

    record(EventType.EVIDENCE_AT_RISK, data)


def send_test_event(endpoint: Endpoint, *, by) -> Delivery | None:
    """A `webhook.test` delivery to one endpoint, whatever it subscribes to (the endpoint page's button)."""
    data = {
        "endpoint": {"id": endpoint.pk, "url": endpoint.url},
        "message": "A test event from the desk: if its signature verifies, deliveries will too.",
        "sent_by": display_name(by),
    }
    with transaction.atomic():
        deliveries = record(TEST_EVENT, lambda: [data], endpoints=[endpoint])
    return deliveries[0] if deliveries else None


def connect() -> None:
    uid = "webhooks.events"
    signals.claim_logged.connect(on_claim_logged, dispatch_uid=f"{uid}.claim_logged")
    signals.review_decided.connect(on_review_decided, dispatch_uid=f"{uid}.review_decided")
    signals.claim_corrected.connect(on_claim_corrected, dispatch_uid=f"{uid}.claim_corrected")
    signals.evidence_at_risk.connect(on_evidence_at_risk, dispatch_uid=f"{uid}.evidence_at_risk")
