"""Import ClaimReview JSON-LD files from other fact-checkers: manage.py import_claimreview FILE..."""

from __future__ import annotations

from pathlib import Path

import pghistory
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from claims.imports import ImportReport, import_document


class Command(BaseCommand):
    help = "Import ClaimReview JSON-LD (one object, a list, or a page's @graph). Safe to run again."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", help="JSON-LD files")
        parser.add_argument("--user", help="username to record as the importer")

    def handle(self, *args, files, user=None, **options) -> None:
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"No user is called {user!r}.")
        report = ImportReport()
        for name in files:
            path = Path(name)
            if not path.is_file():
                report.rejected.append((name, "no such file"))
                continue
            # The audit history records which command (and which importer) wrote these rows.
            context = {"command": "import_claimreview", **({"user": importer.pk} if importer else {})}
            with pghistory.context(**context):
                text = path.read_text(encoding="utf-8-sig", errors="replace")
                report.merge(import_document(text, name=path.name, user=importer))
        for line in report.created:
            self.stdout.write(f"created   {line}")
        for line in report.skipped:
            self.stdout.write(f"skipped   {line}")
        for where, why in report.rejected:
            self.stdout.write(f"rejected  {where}: {why}")
        self.stdout.write(
            f"{len(report.created)} created, {len(report.skipped)} skipped, {len(report.rejected)} rejected."
        )
        if report.rejected:
            # A non-zero exit tells a cron job that something needs a look.
            raise CommandError(f"{len(report.rejected)} item(s) rejected; see above.")
