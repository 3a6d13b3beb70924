"""Benchmark: the weekly CSV of a busy week, time and peak memory.

    DEBUG=1 .venv/bin/python bench/weekly_csv.py [5000]
    DATABASE_URL=postgres://… DEBUG=1 .venv/bin/python bench/weekly_csv.py --week 2026-W47 [--sample 10000]

Without --week it runs in a throwaway test database on the same PostgreSQL (the embedded one when
DATABASE_URL is unset), seeds N claims logged and decided in 2024-W20, and measures the CSV at N/5
and at N claims. With --week it measures that week of the database as it is (a seeded desk of a
million claims, say), reading only: the first --sample rows, then the whole week.

The CSV is written to nowhere while measuring. Memory that does not grow with the row count is the
point: the second line of the table has five or ten times the rows of the first.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import os
import resource
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

SEEDED_WEEK = "2024-W20"


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


def write_csv(week: str, limit: int | None) -> int:
    """Writes the week's CSV (its first `limit` rows only, if given) and returns the rows written."""
    from claims import reports

    report = reports.WeeklyReport(reports.IsoWeek.parse(week))
    writer = csv.writer(Nowhere())
    rows = reports.csv_rows(report, "https://desk.example.org")
    next(rows)  # the header
    written = 0
    for row in itertools.islice(rows, limit):
        writer.writerow(row)
        written += 1
    rows.close()  # a download that stops early ends the query too
    return written


def measure(week: str, limit: int | None = None) -> tuple[int, float, float, float, float]:
    """(rows, seconds, CPU seconds of this process, peak traced MiB, peak RSS MiB): one pass timed
    as it runs in production, then a second with memory tracing (tracing slows Python down). The
    traced peak counts Python's objects; the process's peak resident size so far also counts the
    database driver's buffers."""
    began, cpu_began = time.perf_counter(), time.process_time()
    rows = write_csv(week, limit)
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    tracemalloc.start()
    write_csv(week, limit)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return rows, elapsed, cpu, peak / 1024 / 1024, peak_rss


def print_table(first_column: str, lines: list[tuple[str, tuple[int, float, float, float, float]]]) -> None:
    print(
        f"| {first_column} | CSV rows | seconds | CPU seconds (Python) | peak Python memory (MiB) "
        "| process peak RSS so far (MiB) |"
    )
    print("|---|---|---|---|---|---|")
    for label, (rows, seconds, cpu, peak, peak_rss) in lines:
        print(f"| {label} | {rows:,} | {seconds:.2f} | {cpu:.2f} | {peak:.1f} | {peak_rss:.0f} |")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"\nDatabase: {connection.vendor} {connection.pg_version // 10000} ({connection.settings_dict['NAME']}), "
        f"machine: {os.cpu_count()} cores, load average {load} (1, 5, 15 min)"
    )


def seeded_run(big: int) -> None:
    runner = get_runner(django.conf.settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        lines = []
        seeded = 0
        for size in (big // 5, big):
            seed(size - seeded)
            seeded = size
            lines.append((f"{size:,}", measure(SEEDED_WEEK)))
        print_table("claims in the week", lines)
    finally:
        runner.teardown_databases(old_config)


def existing_week_run(week: str, sample: int) -> None:
    lines = [(f"{week}, first {sample:,} rows", measure(week, sample)), (f"{week}, all", measure(week))]
    print_table("week", lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("claims", nargs="?", type=int, default=5000, help="claims to seed (default 5000)")
    parser.add_argument("--week", help="measure this week (like 2026-W47) of the database as it is; seeds nothing")
    parser.add_argument("--sample", type=int, default=10_000, help="with --week: rows of the first, short run")
    options = parser.parse_args()
    if options.week:
        existing_week_run(options.week, options.sample)
    else:
        seeded_run(options.claims)


if __name__ == "__main__":
    main()
