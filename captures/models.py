"""The desk's own copy of its sources (docs/architecture.md, "Evidence that does not vanish").

A Capture is one visit to a source's address by a worker; it keeps what came back as Artifacts
(the HTTP exchange as WARC, the main text, a screenshot and a PDF, or the file itself), each with
its SHA-256. Captures are never overwritten: capturing again adds one. The LinkWatch row of a source
says what the periodic re-check last saw: gone, or changed since the desk's copy.
"""

from __future__ import annotations

import datetime as dt

import pghistory
from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from claims.models import JOB_FINISHED, JobState, Source, choices_constraint


class ArtifactKind(models.TextChoices):
    # In the order the claim page lists them.
    SCREENSHOT = "screenshot", "Screenshot"
    PDF = "pdf", "PDF"
    TEXT = "text", "Text"
    WARC = "warc", "WARC"
    FILE = "file", "File"


# A worker takes a queued capture within seconds; after this the page says no worker may be running.
WAITING_LONG = dt.timedelta(minutes=2)


class CaptureQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(state__in=[JobState.QUEUED, JobState.RUNNING])

    def done(self):
        return self.filter(state=JobState.DONE)

    def newest_first(self):
        return self.order_by("-requested_at", "-id")


@pghistory.track(
    pghistory.InsertEvent(),
    # The audit history records a capture being asked for, started and finished (and retried).
    pghistory.UpdateEvent(condition=pghistory.AnyChange("state", "archive_url")),
)
class Capture(models.Model):
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="captures")
    state = models.CharField(max_length=10, choices=JobState, default=JobState.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.TextField(blank=True)
    # Why it failed, or, for a capture that is done, what it could not make (no screenshot...).
    reason = models.TextField(blank=True)
    tool_versions = models.JSONField(default=dict, blank=True)
    # The Internet Archive's snapshot, when Save Page Now is on.
    archive_url = models.TextField(blank=True)

    objects = CaptureQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            choices_constraint("state", JobState),
            models.CheckConstraint(
                condition=Q(state__in=JOB_FINISHED, finished_at__isnull=False)
                | (~Q(state__in=JOB_FINISHED) & Q(finished_at__isnull=True)),
                name="captures_capture_finished_when_finished",
            ),
            # One capture under way per source: asking again while it runs gets the running one.
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(state__in=[JobState.QUEUED, JobState.RUNNING]),
                name="captures_capture_one_unfinished_per_source",
            ),
        ]
        indexes = [models.Index(fields=["source", "-requested_at"], name="captures_capture_source_newest")]

    def __str__(self) -> str:
        return f"Capture {self.pk} of {self.source.url}"

    @property
    def finished(self) -> bool:
        return self.state in JOB_FINISHED

    @property
    def waiting_long(self) -> bool:
        """Queued for longer than a worker takes to start one: no worker may be running."""
        return self.state == JobState.QUEUED and timezone.now() - self.requested_at > WAITING_LONG

    def artifact(self, kind: str) -> Artifact | None:
        return next((artifact for artifact in self.artifacts.all() if artifact.kind == kind), None)

    @property
    def main_artifact(self) -> Artifact | None:
        """The artifact whose hash stands for the capture: the WARC (the exchange as received)."""
        return self.artifact(ArtifactKind.WARC)


def capture_storage():
    """Where artifacts are kept: the "captures" storage (var/media/ or S3-compatible; docs/deploy.md)."""
    return storages["captures"]


class Artifact(models.Model):
    """One stored file of a capture. Written once, with the SHA-256 of exactly the bytes stored."""

    capture = models.ForeignKey(Capture, on_delete=models.CASCADE, related_name="artifacts")
    kind = models.CharField(max_length=12, choices=ArtifactKind)
    # The file's name in the "captures" storage, read through capture_storage() at use time (so a
    # deployment, or a test, can point the storage elsewhere).
    name = models.CharField(max_length=300, unique=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    media_type = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["capture", "kind"]
        constraints = [
            choices_constraint("kind", ArtifactKind),
            models.UniqueConstraint(fields=["capture", "kind"], name="captures_artifact_one_per_kind"),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="captures_artifact_sha256"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of capture {self.capture_id}"

    def get_absolute_url(self) -> str:
        return reverse("captures:artifact", args=[self.pk])

    def open(self):
        """The stored file, opened for reading in binary; FileNotFoundError when it is missing."""
        return capture_storage().open(self.name, "rb")


class LinkWatch(models.Model):
    """What the link watch last saw at a source's address (one row per watched source)."""

    source = models.OneToOneField(Source, on_delete=models.CASCADE, primary_key=True, related_name="watch")
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    # What went wrong on the last check when it said nothing either way (a timeout, a 503).
    last_problem = models.TextField(blank=True)
    # Set on the first check that found the page gone (404, 410, the host name gone); cleared when it is back.
    gone_since = models.DateTimeField(null=True, blank=True)
    # Set on the first check whose main text differs from the newest capture's.
    changed_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["last_checked_at"], name="captures_watch_due"),
            models.Index(
                fields=["source"],
                condition=Q(gone_since__isnull=False) | Q(changed_since__isnull=False),
                name="captures_watch_at_risk",
            ),
        ]

    def __str__(self) -> str:
        return f"Watch of {self.source_id}"

    @property
    def at_risk(self) -> bool:
        return self.gone_since is not None or self.changed_since is not None


def captures_prefetch(path: str = "captures") -> models.Prefetch:
    """Prefetch a source's captures, newest first, with their artifacts: two queries for any number of sources."""
    return models.Prefetch(path, queryset=Capture.objects.newest_first().prefetch_related("artifacts"))
