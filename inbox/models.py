"""A person's notifications and how they want them e-mailed (docs/architecture.md, "Notifications").

A notification is written in the transaction of the write it tells of (inbox/receivers.py), with its
sentence composed then: what the inbox and the e-mail say does not change when the claim does.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from claims.models import Claim, Evidence, Review, choices_constraint

SENTENCE_MAX = 500
# The navigation counts unread notifications up to here and shows "99+" beyond: the count stops
# reading the index at a hundred rows however many someone left unread.
UNREAD_COUNT_CAP = 100


class Kind(models.TextChoices):
    ASSIGNED = "assigned", "Assigned to you"
    PROPOSAL_APPROVED = "proposal_approved", "Your proposal approved"
    PROPOSAL_RETURNED = "proposal_returned", "Your proposal returned"
    EVIDENCE_ADDED = "evidence_added", "New evidence"
    CLAIM_DECIDED = "claim_decided", "A decision"
    EVIDENCE_AT_RISK = "evidence_at_risk", "Evidence at risk"


class EmailChoice(models.TextChoices):
    OFF = "off", "Off: the inbox only"
    EACH_EVENT = "each_event", "One e-mail for each notification"
    DAILY_DIGEST = "daily_digest", "A daily digest"


class NotificationQuerySet(models.QuerySet):
    def for_recipient(self, user) -> NotificationQuerySet:
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def unread_count(self, user) -> int:
        """Unread notifications of `user`, counted up to UNREAD_COUNT_CAP (one query on the unread index)."""
        return self.for_recipient(user).unread().order_by()[:UNREAD_COUNT_CAP].count()

    def mark_read(self, *, now=None) -> int:
        return self.unread().update(read_at=now or timezone.now())


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=Kind)
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    evidence = models.ForeignKey(Evidence, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Who acted; None for the desk's own jobs (the link watch).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sentence = models.CharField(max_length=SENTENCE_MAX)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            choices_constraint("kind", Kind),
            models.CheckConstraint(condition=~Q(sentence=""), name="inbox_notification_sentence_not_empty"),
        ]
        indexes = [
            # The inbox page, newest first, and the digest's "not e-mailed yet" for one person.
            models.Index(fields=["recipient", "-created_at", "-id"], name="inbox_newest"),
            # The navigation's counter on every page: unread for one person, from a small index.
            models.Index(
                fields=["recipient", "-created_at", "-id"], condition=Q(read_at__isnull=True), name="inbox_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.sentence}"


class NotificationPreference(models.Model):
    """How a person wants their notifications e-mailed; no row means off."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="notification_preference"
    )
    email = models.CharField(
        "E-mail", max_length=20, choices=EmailChoice, default=EmailChoice.OFF, db_default=EmailChoice.OFF
    )
    # The daily digest gathers what came since this moment (set when the digest is chosen and when one is sent).
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [choices_constraint("email", EmailChoice)]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.email}"
