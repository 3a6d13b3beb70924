"""Re-hash every stored artifact and compare it with the SHA-256 recorded when it was written.

Exits 1 naming each file that is missing or whose bytes changed, so a cron job or monitor can
alarm on it (docs/deploy.md).
"""

from __future__ import annotations

import hashlib

from django.core.management.base import BaseCommand, CommandError

from captures.models import Artifact

CHUNK = 1024 * 1024


class Command(BaseCommand):
    help = "Check every captured file against its recorded SHA-256; exit 1 on any mismatch or missing file."

    def handle(self, *args, **options):
        checked = 0
        problems = []
        for artifact in Artifact.objects.select_related("capture").order_by("pk").iterator(chunk_size=500):
            checked += 1
            digest = hashlib.sha256()
            try:
                with artifact.open() as handle:
                    for chunk in iter(lambda: handle.read(CHUNK), b""):
                        digest.update(chunk)
            except (FileNotFoundError, OSError):
                problems.append(
                    f"MISSING  {artifact.name} ({artifact.get_kind_display()} of capture {artifact.capture_id})"
                )
                continue
            if digest.hexdigest() != artifact.sha256:
                problems.append(
                    f"MISMATCH {artifact.name} ({artifact.get_kind_display()} of capture {artifact.capture_id}):"
                    f" recorded {artifact.sha256}, now {digest.hexdigest()}"
                )
        for line in problems:
            self.stderr.write(line)
        if problems:
            raise CommandError(f"{len(problems)} of {checked} captured files failed the check.")
        self.stdout.write(f"All {checked} captured files match their SHA-256.")
