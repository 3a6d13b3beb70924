"""Write a weekly report to a file or standard output, for cron jobs:

    manage.py weekly_report --week 2024-W20 --format csv --output w20.csv

Without --week it writes last week's report (the last complete week).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import timezone

from claims import reports

FORMATS = ["csv", "json", "jsonld", "html", "pdf"]


class Command(BaseCommand):
    help = "Write the weekly report for an ISO week (default: last week): CSV, JSON, ClaimReview JSON-LD, HTML or PDF."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--week", help="ISO week such as 2024-W20 (default: last week)")
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--output", help="file to write (default: standard output)")
        parser.add_argument("--site", default=settings.SITE_URL, help="address for claim links (default: SITE_URL)")

    def handle(self, *args, week=None, format="csv", output=None, site="", **options) -> None:
        try:
            iso_week = reports.IsoWeek.parse(week) if week else self._last_week()
        except ValueError as error:
            raise CommandError(str(error)) from error
        report = reports.WeeklyReport(iso_week)
        if format == "pdf":
            pdf = reports.as_pdf(report)
            if output:
                with open(output, "wb") as file:
                    file.write(pdf)
            else:
                sys.stdout.buffer.write(pdf)
            if output:
                self.stderr.write(f"Wrote the PDF report for {iso_week} to {output}.")
            return
        stream = open(output, "w", newline="", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        try:
            if format == "csv":
                writer = csv.writer(stream)
                for row in reports.csv_rows(report, site.rstrip("/")):
                    writer.writerow(row)
            elif format in ("json", "jsonld"):
                build = reports.as_json if format == "json" else reports.claim_reviews
                json.dump(build(report, site.rstrip("/")), stream, ensure_ascii=False, indent=2)
                stream.write("\n")
            else:
                stream.write(
                    render_to_string("claims/report_document.html", reports.page_context(report, document=True))
                )
        finally:
            if output:
                stream.close()
        if output:
            self.stderr.write(f"Wrote the {format.upper()} report for {iso_week} to {output}.")

    @staticmethod
    def _last_week() -> reports.IsoWeek:
        return reports.IsoWeek.containing(timezone.localdate() - dt.timedelta(days=7))
