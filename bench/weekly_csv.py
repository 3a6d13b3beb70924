"""Benchmark: the weekly CSV of a busy week, time and peak memory, at two sizes.

    DEBUG=1 .venv/bin/python bench/weekly_csv.py [5000]

Runs in a throwaway test database on the same PostgreSQL (the embedded one when DATABASE_URL is
unset), seeds N claims logged and decided in 2024-W20, and writes the CSV to nowhere while measuring.
Memory that does not grow with the row count is the point: the second size has five times the rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import sys
import time
import tracemalloc
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import get_runner  # noqa: E402


class Nowhere:
    def write(self, text: str) -> int:
        return len(text)


def seed(count: int) -> None:
    from django.contrib.auth import get_user_model

    from claims.models import Claim, Claimant, Decision, Review, Status

    kyiv = ZoneInfo("Europe/Kyiv")
    user, _ = get_user_model().objects.get_or_create(username="bench")
    claimant, _ = Claimant.objects.get_or_create(name="Bench ministry")
    start = dt.datetime(2024, 5, 13, 1, tzinfo=kyiv)
    claims = Claim.objects.bulk_create(
        Claim(
            text=f"Bench claim number {n} about shelling near a village",
            claimant=claimant,
            claimed_on=dt.date(2024, 5, 13),
            created_at=start + dt.timedelta(seconds=60 * n),
            updated_at=start + dt.timedelta(seconds=60 * n),
        )
        for n in range(count)
    )
    snapshot = {
        "corroborating": 2,
        "independent": 1,
        "contradicting": 0,
        "context": 0,
        "sources": [
            {
                "url": "https://example.org/a",
                "title": "A",
                "outlet": "Example",
                "stance": "corroborates",
                "independent": True,
                "repeats_claimant": False,
            }
        ],
    }
    Review.objects.bulk_create(
        Review(
            claim=claim,
            previous_status=Status.UNVERIFIED,
            proposed_status=Status.CORROBORATED,
            rationale="One independent source.",
            proposed_by=user,
            proposed_at=claim.created_at,
            decision=Decision.APPROVED,
            decided_by=user,
            decided_at=claim.created_at + dt.timedelta(minutes=30),
            evidence_snapshot=snapshot,
        )
        for claim in claims
    )


def write_csv() -> int:
    from claims import reports

    report = reports.WeeklyReport(reports.IsoWeek(2024, 20))
    writer = csv.writer(Nowhere())
    return sum(1 for row in reports.csv_rows(report, "https://desk.example.org") if writer.writerow(row)) - 1


def measure() -> tuple[int, float, float]:
    """Time one pass as it runs in production, then trace memory in a second (tracing slows Python)."""
    began = time.perf_counter()
    rows = write_csv()
    elapsed = time.perf_counter() - began
    tracemalloc.start()
    write_csv()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return rows, elapsed, peak / 1024 / 1024


def main() -> None:
    big = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    runner = get_runner(django.conf.settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        results = []
        seeded = 0
        for size in (big // 5, big):
            seed(size - seeded)
            seeded = size
            results.append(measure())
        print("| claims in the week | CSV rows | seconds | peak Python memory (MiB) |")
        print("|---|---|---|---|")
        for (rows, seconds, peak), size in zip(results, (big // 5, big), strict=True):
            print(f"| {size} | {rows} | {seconds:.2f} | {peak:.1f} |")
        print(f"\nDatabase: {connection.vendor} {connection.pg_version // 10000}, machine: {os.cpu_count()} cores")
    finally:
        runner.teardown_databases(old_config)


if __name__ == "__main__":
    main()
