"""Queue captures of the sources the desk already holds (`--missing`: only those never captured)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db.models import Exists, OuterRef

from captures.models import Capture
from claims import workflow
from claims.models import Source


class Command(BaseCommand):
    help = "Queue a capture of every source (or, with --missing, of every source never captured)."

    def add_arguments(self, parser):
        parser.add_argument("--missing", action="store_true", help="Only sources with no capture yet.")

    def handle(self, *args, missing: bool, **options):
        sources = Source.objects.exclude(Exists(Capture.objects.unfinished().filter(source=OuterRef("pk"))))
        if missing:
            sources = sources.exclude(Exists(Capture.objects.filter(source=OuterRef("pk"))))
        queued = skipped = 0
        # Through the workflow, as the desk itself: the same rules as the "Capture again" button.
        for source in sources.order_by("pk").only("pk"):
            try:
                workflow.capture_request(source=source, user=None)
            except workflow.Refused:  # captured a moment ago
                skipped += 1
            else:
                queued += 1
        self.stdout.write(f"Queued {queued} capture{'s' if queued != 1 else ''}; a worker takes them from here.")
        if skipped:
            were = (
                "source captured less than a minute ago was"
                if skipped == 1
                else "sources captured less than a minute ago were"
            )
            self.stdout.write(f"{skipped} {were} left as captured.")
