"""The link watch: sources behind decided claims are re-checked about once a week (LINK_WATCH_DAYS).

A page that answers 404 or 410, or whose host name no longer exists, is *gone*; a page whose main
text differs from the newest capture's is *changed since capture*. Either puts the decided claims
it backs on the "evidence at risk" list (claim page, dashboard), with the desk's own copy one
click away. A check that says nothing either way (a timeout, a 503) is recorded and changes nothing.

The hourly task picks the sources due, oldest check first, a week's share at a time, so the checks
spread over the week instead of all arriving at once.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from captures import archiving, fetcher
from captures.models import Artifact, ArtifactKind, LinkWatch
from claims import signals
from claims.models import Claim, Evidence, JobState, Source, Status

GONE_STATUSES = {404, 410}
CHECKS_PER_WEEK_SLOTS = 24 * 7  # the task runs hourly


def watched_sources():
    """Sources linked to a claim with a decided status (anything but unverified), still on the desk."""
    decided = Evidence.objects.filter(source=OuterRef("pk"), claim__merged_into__isnull=True).exclude(
        claim__status=Status.UNVERIFIED
    )
    return Source.objects.filter(Exists(decided))


def decided_claims_citing(source_id: int):
    """The decided claims on the desk (anything but unverified) that cite the source: those whose
    verdict a gone or changed source puts at risk, as watched_sources() and claims_at_risk() count them."""
    return Claim.objects.on_desk().exclude(status=Status.UNVERIFIED).filter(evidence__source_id=source_id)


def due_sources(now: dt.datetime | None = None) -> list[int]:
    """This hour's share of the watched sources whose last check is older than LINK_WATCH_DAYS."""
    now = now or timezone.now()
    watched = watched_sources()
    period_hours = settings.LINK_WATCH_DAYS * 24
    batch = max(1, math.ceil(watched.count() / period_hours))
    stale = now - dt.timedelta(days=settings.LINK_WATCH_DAYS)
    due = watched.filter(Q(watch__isnull=True) | Q(watch__last_checked_at__lt=stale))
    never_first = F("watch__last_checked_at").asc(nulls_first=True)
    return list(due.order_by(never_first, "pk").values_list("pk", flat=True)[:batch])


def check(source_id: int, *, now: dt.datetime | None = None) -> LinkWatch:
    """Fetch the source once and record what was seen; a source newly found gone or changed is told
    (claims.signals.evidence_at_risk) in the transaction that records it."""
    now = now or timezone.now()
    source = Source.objects.get(pk=source_id)
    watch, _ = LinkWatch.objects.get_or_create(source=source)
    was_at_risk = watch.at_risk
    _look(source, watch, now)  # the fetch, outside any transaction
    with transaction.atomic():
        watch.save()
        if watch.at_risk and not was_at_risk:
            signals.evidence_at_risk.send(sender=LinkWatch, watch=watch, by=None)
    return watch


def _look(source: Source, watch: LinkWatch, now: dt.datetime) -> None:
    """Fetch the source and note on `watch` (unsaved) what was seen."""
    watch.last_checked_at = now
    watch.last_problem = ""
    try:
        fetched = fetcher.fetch(source.url)
    except fetcher.FetchError as error:
        watch.last_status = None
        if error.name_gone:
            watch.gone_since = watch.gone_since or now
        else:
            watch.last_problem = error.reason
        return
    final = fetched.final
    watch.last_status = final.status
    if final.status in GONE_STATUSES:
        watch.gone_since = watch.gone_since or now
    elif 200 <= final.status < 300:
        watch.gone_since = None
        captured = captured_text_hash(source.pk)
        if captured is not None and final.media_type in archiving.HTML_TYPES:
            try:
                text = archiving.main_text(final.decoded_body(), final.url)
            except fetcher.FetchError as error:  # inflates past what the desk keeps of one address
                watch.last_problem = error.reason
            else:
                current = archiving.sha256_of(text.encode())
                watch.changed_since = None if current == captured else (watch.changed_since or now)
    else:
        watch.last_problem = f"The server answered {final.status} {final.reason_phrase}".rstrip() + "."


def captured_text_hash(source_id: int) -> str | None:
    """SHA-256 of the main text of the source's newest finished capture that has one."""
    return (
        Artifact.objects.filter(capture__source_id=source_id, capture__state=JobState.DONE, kind=ArtifactKind.TEXT)
        .order_by("-capture__requested_at", "-capture_id")
        .values_list("sha256", flat=True)
        .first()
    )


def at_risk_evidence():
    """Evidence whose source the link watch found gone or changed."""
    return Evidence.objects.filter(
        Q(source__watch__gone_since__isnull=False) | Q(source__watch__changed_since__isnull=False)
    )


def claims_at_risk(limit: int | None = None) -> list[Claim]:
    """Decided claims on the desk that rest on a source the link watch found gone or changed, most
    recently active first, each with `sources_at_risk` (how many of its sources).

    Read from the few watched sources at risk outwards (a partial index holds only those), never by
    walking the desk's claims and asking each: two queries whatever the desk's size.
    """
    risky = Counter(at_risk_evidence().values_list("claim_id", flat=True))
    claims = list(
        Claim.objects.on_desk()
        .exclude(status=Status.UNVERIFIED)
        .filter(pk__in=list(risky))
        .select_related("claimant")
        .order_by("-updated_at", "-id")[:limit]
    )
    for claim in claims:
        claim.sources_at_risk = risky[claim.pk]
    return claims
