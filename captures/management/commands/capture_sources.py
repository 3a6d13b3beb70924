"""Queue captures of the sources the desk already holds (`--missing`: only those never captured)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Exists, OuterRef

from captures.models import Capture
from captures.tasks import capture_source
from claims.models import Source


class Command(BaseCommand):
    help = "Queue a capture of every source (or, with --missing, of every source never captured)."

    def add_arguments(self, parser):
        parser.add_argument("--missing", action="store_true", help="Only sources with no capture yet.")

    def handle(self, *args, missing: bool, **options):
        sources = Source.objects.exclude(Exists(Capture.objects.unfinished().filter(source=OuterRef("pk"))))
        if missing:
            sources = sources.exclude(Exists(Capture.objects.filter(source=OuterRef("pk"))))
        queued = 0
        for source_id in sources.order_by("pk").values_list("pk", flat=True).iterator():
            with transaction.atomic():
                capture = Capture.objects.create(source_id=source_id)
                capture_source.defer(capture_id=capture.pk)
            queued += 1
        self.stdout.write(f"Queued {queued} capture{'s' if queued != 1 else ''}; a worker takes them from here.")
