"""E-mail of notifications, run by workers (inbox/tasks.py; docs/architecture.md, "Notifications").

"Each event" sends one e-mail per notification; the daily digest one e-mail a day with everything not
e-mailed since the last digest. `emailed_at` marks what went out, so nothing is sent twice: a
notification is claimed (marked) before it is sent, and unmarked if sending fails, for the retry.
People without an e-mail address are skipped.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator

from claims.models import id_url
from claims.roles import desk_members
from inbox.models import EmailChoice, Notification, NotificationPreference

log = logging.getLogger("newsdesk.inbox")

SUBJECT_LENGTH = 120


def _claim_link(notification: Notification) -> str:
    return f"{settings.SITE_URL}{id_url('claims:detail', notification.claim_id)}"


def _links() -> dict:
    return {
        "inbox_url": f"{settings.SITE_URL}/inbox/",
        "settings_url": f"{settings.SITE_URL}/inbox/settings/",
        "newsroom_name": settings.NEWSROOM_NAME,
    }


def notification_message(notification: Notification) -> mail.EmailMessage:
    body = render_to_string(
        "inbox/email/notification.txt",
        {"notification": notification, "claim_url": _claim_link(notification), **_links()},
    )
    subject = Truncator(f"{settings.NEWSROOM_NAME}: {notification.sentence}").chars(SUBJECT_LENGTH)
    return mail.EmailMessage(subject=subject, body=body, to=[notification.recipient.email])


def digest_message(person, notifications: list[Notification]) -> mail.EmailMessage:
    rows = [(notification, _claim_link(notification)) for notification in notifications]
    body = render_to_string("inbox/email/digest.txt", {"rows": rows, **_links()})
    count = len(notifications)
    subject = f"{settings.NEWSROOM_NAME}: {count} notification{'s' if count != 1 else ''} today"
    return mail.EmailMessage(subject=subject, body=body, to=[person.email])


def send_each(notification_ids: list[int]) -> int:
    """One e-mail per notification not e-mailed yet; how many were sent."""
    notifications = (
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True, recipient__in=desk_members())
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("pk")
    )
    sent = 0
    with mail.get_connection() as connection:
        for notification in notifications:
            # Claimed before sending: a second worker with the same job finds it taken.
            if not Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
                emailed_at=timezone.now()
            ):
                continue
            try:
                connection.send_messages([notification_message(notification)])
            except (smtplib.SMTPException, OSError):
                Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
                raise  # the job is retried (inbox/tasks.py)
            sent += 1
    return sent


COMMIT_MARGIN = dt.timedelta(minutes=5)


def last_digest_moment(now: dt.datetime) -> dt.datetime:
    """The latest INBOX_DIGEST_HOUR o'clock in the newsroom's time zone at or before `now`."""
    local = timezone.localtime(now)
    moment = local.replace(hour=settings.INBOX_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    return moment if moment <= local else moment - dt.timedelta(days=1)


def send_digests(now: dt.datetime | None = None) -> int:
    """Send the digest of every person who chose one and has not had today's; how many were sent.

    Run every hour, so a worker that was down at the digest hour catches up on its next run.
    """
    now = now or timezone.now()
    due = Q(email=EmailChoice.DAILY_DIGEST) & (
        Q(last_digest_at__isnull=True) | Q(last_digest_at__lt=last_digest_moment(now))
    )
    waiting = (
        NotificationPreference.objects.filter(due, person__in=desk_members())
        .exclude(person__email="")
        .values_list("pk", flat=True)
    )
    sent = 0
    for person_id in list(waiting):
        try:
            sent += _send_digest(person_id, due, now)
        except (smtplib.SMTPException, OSError):
            # One refused address must not hold up everyone else's digest; the next hour tries again.
            log.exception("inbox.digest_failed", extra={"event": "inbox.digest_failed", "user_id": person_id})
    return sent


@transaction.atomic
def _send_digest(person_id: int, due: Q, now: dt.datetime) -> int:
    # Locked, and still due once locked: two workers running the hour's job send one digest.
    preference = (
        NotificationPreference.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(due, pk=person_id)
        .select_related("person")
        .first()
    )
    if preference is None:
        return 0
    # A notification's time is taken before its transaction commits: one written just before the last
    # digest but committed after it is still gathered (what that digest sent is marked e-mailed).
    since = (preference.last_digest_at or now - dt.timedelta(days=1)) - COMMIT_MARGIN
    notifications = list(
        Notification.objects.filter(
            recipient_id=person_id, emailed_at__isnull=True, created_at__gt=since, created_at__lte=now
        ).order_by("created_at", "id")
    )
    if notifications:
        # Sent inside the transaction: if it fails, nothing is marked and the next run sends it.
        digest_message(preference.person, notifications).send()
        Notification.objects.filter(pk__in=[notification.pk for notification in notifications]).update(emailed_at=now)
    preference.last_digest_at = now
    preference.save(update_fields=["last_digest_at"])
    return 1 if notifications else 0
