"""Load run: gunicorn with production settings, wrk on three pages the desk lives on.

    .venv/bin/python bench/load.py [--duration 60] [--connections 64]

Uses DATABASE_URL, else the database `newsdesk_bench` on the embedded PostgreSQL under var/ (so the demo
desk of `make run` is left alone): migrates it, loads the demo desk and tops it up with a few hundred
claims with evidence and reviews. Then it starts gunicorn (gunicorn.conf.py) with DEBUG off, signs in as
the demo editor through the real login form, checks that each page answers 200 to that session, and has
wrk request each page in turn. The figures are printed as a table and written to the "Load run" section
of docs/benchmarks.md. Exits non-zero when any request failed (socket errors, or answers other than
2xx/3xx).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import signal
import sys
import textwrap

from common import (
    DOC,
    ROOT,
    WRK_THREADS,
    Desk,
    WrkResult,
    duration,
    machine,
    manage,
    production_environment,
    run_wrk,
    start_gunicorn,
    stop,
    write_doc_section,
)

SECTION = "## Load run"
EDITOR = ("editor", "editor-demo-2024")  # the demo editor (claims/management/commands/load_demo.py)
# The user the extra claims are created as; counting its claims makes the top-up idempotent.
SEED_USER = "load-run"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds per page (default 60)")
    parser.add_argument("--connections", type=int, default=64, help="open connections (default 64)")
    parser.add_argument("--claims", type=int, default=300, help="extra claims to make sure of (default 300)")
    options = parser.parse_args()
    if options.connections < WRK_THREADS or options.duration < 1:
        parser.error(f"--connections must be at least {WRK_THREADS} and --duration at least 1")
    if not shutil.which("wrk"):
        sys.exit("ERROR: wrk is missing. Install it (`make wrk`, or on Debian: sudo apt-get install wrk).")

    # Being killed (a CI time limit) unwinds through the `finally` below, which stops gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("Stopped."))
    # Taken before this script adds any work of its own: how busy the machine already is.
    load_before = os.getloadavg()[0]
    env = production_environment("newsdesk_bench")
    os.environ.update(env)  # this process reads the same database to seed it
    manage("migrate", "--no-input", env=env)
    manage("load_demo", env={**env, "DEBUG": "1"})  # it refuses to run with DEBUG off
    data = seed(options.claims)
    manage("collectstatic", "--no-input", env=env)  # whitenoise's manifest storage serves from it

    server, port, config = start_gunicorn(env)
    try:
        desk = Desk(port)
        desk.wait_until_up(server)
        session = desk.sign_in(*EDITOR)
        pages = {"claims list": "/claims/", "claim page": f"/claims/{data['claim_page']}/", "review queue": "/review/"}
        for path in pages.values():
            desk.check_page(path, session)
        results = {
            name: run_wrk(
                f"http://127.0.0.1:{port}{path}", session, options.duration, options.connections, config["timeout"]
            )
            for name, path in pages.items()
        }
    finally:
        stop(server)

    table = markdown_table(results, pages)
    print(table)
    write_section(table, options, config, data, load_before)
    print(f"\nWritten to {DOC.relative_to(ROOT)}.")
    failed = [name for name, result in results.items() if result.errors]
    if failed:
        print(f"ERROR: requests failed on: {', '.join(failed)}.", file=sys.stderr)
        return 1
    return 0


# --- Data ------------------------------------------------------------------------------------------

PLACES = ["Vovchansk", "Kupiansk", "Chasiv Yar", "Pokrovsk", "Robotyne", "Kherson", "Odesa", "Sumy", "Kharkiv"]
CLAIM_TEXTS = [
    "Air defence shot down {n} drones over the {place} region overnight.",
    "Troops advanced up to {n} kilometres near {place} in the past day.",
    "{n} civilians were evacuated from {place} after shelling.",
    "A strike on {place} damaged {n} apartment buildings and a school.",
    "Forces repelled {n} assaults near {place} since the morning.",
]


def seed(claims_wanted: int) -> dict[str, int]:
    """Top the database up to `claims_wanted` extra claims, each with three pieces of evidence.

    Every fourth claim waits in the review queue and every fourth has an approved status, so the
    list, the queue and the claim pages show what a working desk shows. Bulk inserts keep it quick.
    """
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import Count

    from claims.models import Claim, Claimant, Decision, Evidence, Outlet, Review, Source, Stance, Status

    seed_user, created = get_user_model().objects.get_or_create(username=SEED_USER)
    if created:
        seed_user.set_unusable_password()
        seed_user.save()
    proposer = get_user_model().objects.get(username="factchecker")
    claimants = list(Claimant.objects.order_by("pk"))
    outlets = list(Outlet.objects.exclude(affiliation=None).order_by("pk"))
    have = Claim.objects.filter(created_by=seed_user).count()
    now = dt.datetime.now(dt.UTC)
    stances = [Stance.CORROBORATES, Stance.CORROBORATES, Stance.CONTRADICTS]
    verdicts = [Status.CORROBORATED, Status.CONFIRMED, Status.FALSE, Status.MISLEADING]

    with transaction.atomic():
        new = []
        for n in range(have, claims_wanted):
            created_at = now - dt.timedelta(minutes=127 * n)
            new.append(
                Claim(
                    text=CLAIM_TEXTS[n % len(CLAIM_TEXTS)].format(n=n % 40 + 2, place=PLACES[n % len(PLACES)]),
                    claimant=claimants[n % len(claimants)],
                    claimed_on=created_at.date(),
                    priority=n % 4,
                    status=verdicts[n // 4 % len(verdicts)] if n % 4 == 1 else Status.UNVERIFIED,
                    created_by=seed_user,
                    created_at=created_at,
                    updated_at=created_at,
                )
            )
        new = Claim.objects.bulk_create(new)
        sources = Source.objects.bulk_create(
            Source(
                url=f"https://www.{outlet.domain}/load-run/{claim.pk}-{k}",
                title=f"Report {claim.pk}-{k} on {claim.text[:60]}",
                outlet=outlet,
                added_by=seed_user,
            )
            for claim in new
            for k, outlet in enumerate(outlets[(claim.pk + k) % len(outlets)] for k in range(3))
        )
        Evidence.objects.bulk_create(
            Evidence(
                claim=claim,
                source=sources[3 * i + k],
                stance=stances[k],
                excerpt="The report gives the figure and names its source.",
                added_by=seed_user,
            )
            for i, claim in enumerate(new)
            for k in range(3)
        )
        Review.objects.bulk_create(
            Review(
                claim=claim,
                previous_status=Status.UNVERIFIED,
                proposed_status=Status.CORROBORATED if claim.status == Status.UNVERIFIED else claim.status,
                rationale="Two outlets report it; one contradicts the figure.",
                proposed_by=proposer,
                proposed_at=claim.created_at + dt.timedelta(minutes=40),
                **(
                    {"decision": Decision.PENDING}
                    if claim.status == Status.UNVERIFIED
                    else {
                        "decision": Decision.APPROVED,
                        "decided_by": seed_user,
                        "decided_at": claim.created_at + dt.timedelta(minutes=90),
                    }
                ),
            )
            for n, claim in enumerate(new, start=have)
            if n % 4 in (0, 1)
        )

    # The claim page to load: the one with the most evidence, as a busy claim is the slow case.
    busiest = Claim.objects.annotate(pieces=Count("evidence")).order_by("-pieces", "pk").first()
    data = {
        "claims": Claim.objects.count(),
        "evidence": Evidence.objects.count(),
        "pending": Review.objects.pending().count(),
        "claim_page": busiest.pk,
        "postgres": connection.pg_version // 10000,
    }
    connection.close()
    return data


# --- Report ----------------------------------------------------------------------------------------


def markdown_table(results: dict[str, WrkResult], pages: dict[str, str]) -> str:
    lines = [
        "| page | requests/s | p50 | p90 | p99 | requests | socket errors | non-2xx/3xx |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, result in results.items():
        p50, p90, p99 = (duration(result.latency_ms[percent]) for percent in ("50%", "90%", "99%"))
        lines.append(
            f"| {name} (`{pages[name]}`) | {result.per_second:.1f} | {p50} | {p90} | {p99} | {result.requests} "
            f"| {result.socket_errors} | {result.bad_responses} |"
        )
    return "\n".join(lines)


def write_section(table: str, options: argparse.Namespace, config: dict, data: dict, load_before: float) -> None:
    database = "given by DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded, under var/, its own database"
    slots = config["workers"] * config["threads"]
    paragraphs = [
        f"Three pages an editor keeps open, each loaded in turn for {options.duration} s by wrk from a second "
        f"process over {options.connections} connections, signed in as the demo editor, through gunicorn with "
        "production settings (DEBUG off, static files by whitenoise, the HTTPS header a TLS proxy sets). The "
        "claim page is the claim with the most evidence. wrk waits as long as gunicorn lets a request run "
        f"({config['timeout']} s) rather than its own 2 s, so slow answers count in the percentiles instead of "
        "being dropped from them; any socket error or answer other than 2xx/3xx fails the run.",
        table,
        f"With {options.connections} connections and {slots} requests served at a time, most of the latency "
        f"is waiting in line: the median is close to {options.connections} divided by the requests per second.",
        "\n".join(
            [
                f"- Date: {dt.date.today().isoformat()}",
                f"- Machine: {machine()}; wrk, gunicorn and PostgreSQL share it",
                f"- gunicorn: {config['workers']} workers × {config['threads']} threads ({config['worker_class']}),"
                " access log off (`gunicorn.conf.py`)",
                f"- Database: PostgreSQL {data['postgres']} ({database}) with {data['claims']} claims, "
                f"{data['evidence']} pieces of evidence, {data['pending']} reviews in the queue",
                f"- Load average when the script started: {load_before:.2f} on {os.cpu_count()} cores",
                f"- Reproduce: `make load`, or `.venv/bin/python bench/load.py --duration {options.duration} "
                f"--connections {options.connections}`",
            ]
        ),
    ]
    if load_before >= 0.5:  # someone else was already using half a core or more
        paragraphs.append(
            "These figures were taken on a busy machine: other work was running (see the load average), so "
            "they are lower and noisier than an idle machine of the same size gives."
        )
    wrapped = [paragraph if paragraph[0] in "|-" else textwrap.fill(paragraph, 100) for paragraph in paragraphs]
    write_doc_section(SECTION, "\n\n".join([SECTION, *wrapped]) + "\n")


if __name__ == "__main__":
    sys.exit(main())
