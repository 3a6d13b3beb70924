"""The inbox's background jobs on procrastinate, in the "mail" queue (docs/deploy.md, "Queues")."""

from __future__ import annotations

import smtplib

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from inbox import mail

# A mail server that is down for a while: tried again after 1 minute, then 5 minutes longer each time
# (ten attempts, about four hours in all).
MAIL_RETRY = RetryStrategy(max_attempts=10, wait=60, linear_wait=300, retry_exceptions={smtplib.SMTPException, OSError})


@app.task(queue="mail", retry=MAIL_RETRY)
def email_notifications(notification_ids: list[int]) -> None:
    """One e-mail for each of these notifications ("each event"), queued by inbox/receivers.py."""
    mail.send_each(notification_ids)


@app.periodic(cron="3 * * * *")
@app.task(queue="mail", queueing_lock="send_digests")
def send_digests(timestamp: int) -> None:
    """Hourly: the daily digests due (INBOX_DIGEST_HOUR in the newsroom's time zone), caught up if missed."""
    mail.send_digests()
