"""Webhook endpoints a newsroom's developers register, and every delivery to them with each attempt
(docs/architecture.md, "Webhooks")."""

from __future__ import annotations

import base64
import json
import secrets
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from claims.links import ALLOWED_SCHEMES
from claims.models import choices_constraint, web_url_constraint

# An endpoint's address is a short URL a developer types; longer ones are refused at the form.
ENDPOINT_URL_MAX_LENGTH = 500
# The newest deliveries an endpoint's page lists.
DELIVERY_LOG_LENGTH = 50
TEST_EVENT = "webhook.test"


class EventType(models.TextChoices):
    """What an endpoint can subscribe to; each is one of the desk's events (claims/signals.py)."""

    CLAIM_LOGGED = "claim.logged", "A claim is logged"
    VERDICT_APPROVED = "verdict.approved", "A verdict is approved"
    VERDICT_CORRECTED = "verdict.corrected", "A verdict is corrected or replaced"
    EVIDENCE_AT_RISK = "evidence.at_risk", "A source behind a verdict is gone or changed"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Sending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


def new_secret() -> str:
    """A signing secret in Standard Webhooks form: whsec_ and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


class EndpointQuerySet(models.QuerySet):
    def subscribed_to(self, event_type: str) -> EndpointQuerySet:
        return self.filter(enabled=True, events__contains=[event_type])

    def with_delivery_counts(self) -> EndpointQuerySet:
        return self.annotate(
            delivered_count=Count("deliveries", filter=Q(deliveries__state=DeliveryState.DELIVERED)),
            pending_count=Count("deliveries", filter=Q(deliveries__state=DeliveryState.PENDING)),
            failed_count=Count("deliveries", filter=Q(deliveries__state=DeliveryState.FAILED)),
        )


class Endpoint(models.Model):
    """An address the desk POSTs its events to, signed with the endpoint's own secret."""

    url = models.URLField(
        "URL",
        max_length=ENDPOINT_URL_MAX_LENGTH,
        validators=[URLValidator(schemes=list(ALLOWED_SCHEMES))],
        help_text="Where the desk sends the events: an http or https address on the public internet.",
    )
    description = models.CharField(max_length=200, blank=True, help_text="What receives the events, for the desk.")
    events = ArrayField(models.CharField(max_length=40, choices=EventType.choices))
    secret = models.CharField(max_length=100, default=new_secret, editable=False)
    enabled = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            web_url_constraint("url", blank_allowed=False),
            models.CheckConstraint(
                condition=Q(events__len__gt=0) & Q(events__contained_by=EventType.values),
                name="webhooks_endpoint_events_valid",
            ),
        ]
        indexes = [models.Index(fields=["enabled"], name="webhooks_endpoint_enabled")]

    def __str__(self) -> str:
        return self.url

    def get_absolute_url(self) -> str:
        return reverse("webhooks:detail", args=[self.pk])

    def event_labels(self) -> list[str]:
        return [EventType(event).label for event in self.events if event in EventType.values]


class Delivery(models.Model):
    """One event for one endpoint: the body as it was when the event happened, and where sending it stands."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_type = models.CharField(max_length=40)
    message_id = models.CharField(max_length=40, unique=True, default=new_message_id, editable=False)
    # The JSON text exactly as it is sent and signed, written when the event happened.
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=20, choices=DeliveryState, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [choices_constraint("state", DeliveryState)]
        indexes = [models.Index(fields=["endpoint", "-created_at", "-id"], name="webhooks_delivery_log")]

    def __str__(self) -> str:
        return f"{self.event_type} to endpoint {self.endpoint_id} ({self.state})"

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


class Attempt(models.Model):
    """One POST of a delivery: when, how long, and the answer's status or why there was none."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhooks_attempt_one_per_number"),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} of delivery {self.delivery_id}"
