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
import http.client
import os
import platform
import re
import runpy
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Load run"
EDITOR = ("editor", "editor-demo-2024")  # the demo editor (claims/management/commands/load_demo.py)
WRK_THREADS = 2
# The user the extra claims are created as; counting its claims makes the top-up idempotent.
SEED_USER = "load-run"

DOC_INTRO = """# Benchmarks

Figures from the scripts in `bench/` (`make bench`): where the desk stands on a known machine, so a
change that makes it much slower shows. Each section says how its figures were taken and how to take
them again.
"""


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
    env = production_environment()
    os.environ.update(env)  # this process reads the same database to seed it
    manage("migrate", "--no-input", env=env)
    manage("load_demo", env={**env, "DEBUG": "1"})  # it refuses to run with DEBUG off
    data = seed(options.claims)
    manage("collectstatic", "--no-input", env=env)  # whitenoise's manifest storage serves from it

    port = free_port()
    env |= {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": "off"}
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"), run_name="gunicorn_config")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsdesk.wsgi", "-c", "gunicorn.conf.py"], cwd=ROOT, env=env
    )
    try:
        desk = Desk(port)
        desk.wait_until_up(server)
        session = desk.sign_in(*EDITOR)
        pages = {"claims list": "/claims/", "claim page": f"/claims/{data['claim_page']}/", "review queue": "/review/"}
        for path in pages.values():
            desk.check_page(path, session)
        # wrk gives up on an answer after 2 s by default and leaves it out of the percentiles; waiting
        # as long as gunicorn lets a request run measures slow answers instead of hiding them.
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


def production_environment() -> dict[str, str]:
    """Settings as a deployment has them: DEBUG off, its own secret, the embedded database unless told."""
    env = dict(os.environ)
    env |= {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1"}
    if not env.get("DATABASE_URL"):
        # A database of its own on the embedded server: the demo desk that `make run` serves stays as it was.
        env |= {
            "EMBEDDED_DATABASE": "1",
            "EMBEDDED_DATABASE_NAME": env.get("EMBEDDED_DATABASE_NAME") or "newsdesk_bench",
        }
    return env


def manage(*arguments: str, env: dict[str, str]) -> None:
    command = [sys.executable, "manage.py", *arguments, "--verbosity", "0"]
    if subprocess.run(command, cwd=ROOT, env=env, check=False).returncode != 0:  # noqa: S603 - our own
        raise SystemExit(f"ERROR: manage.py {arguments[0]} failed (see above).")


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


# --- The server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # gunicorn's graceful shutdown
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class Desk:
    """The desk over plain HTTP, as the TLS proxy in front of gunicorn would talk to it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"

    def request(self, method: str, path: str, headers: dict[str, str], body: str | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers={"X-Forwarded-Proto": "https", **headers})
            response = connection.getresponse()
            return response, response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    def wait_until_up(self, server: subprocess.Popen) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SystemExit(f"ERROR: gunicorn exited with status {server.returncode} before it served.")
            try:
                if self.request("GET", "/healthz", {})[0].status == 200:
                    return
            except OSError:
                pass  # not listening yet
            time.sleep(0.3)
        raise SystemExit("ERROR: gunicorn did not answer /healthz with 200 within 60 seconds.")

    def sign_in(self, username: str, password: str) -> str:
        """Sign in through the login form; returns the session cookie's value."""
        response, page = self.request("GET", "/accounts/login/", {})
        csrf_cookie = cookies(response).get("csrftoken")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if response.status != 200 or not csrf_cookie or not token:
            raise SystemExit(f"ERROR: the login page answered {response.status} without a CSRF token.")
        form = urlencode({"csrfmiddlewaretoken": token.group(1), "username": username, "password": password})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
            # Over HTTPS Django checks that a form was posted from its own origin.
            "Origin": self.origin,
            "Referer": f"{self.origin}/accounts/login/",
        }
        response, _ = self.request("POST", "/accounts/login/", headers, body=form)
        session = cookies(response).get("sessionid")
        if response.status != 302 or not session:
            raise SystemExit(f"ERROR: signing in as {username} answered {response.status} without a session.")
        return session

    def check_page(self, path: str, session: str) -> None:
        """A redirect to the login page would count as success in wrk: make sure the page itself answers."""
        response, page = self.request("GET", path, {"Cookie": f"sessionid={session}"})
        if response.status != 200 or not page:
            where = response.getheader("Location", "")
            raise SystemExit(f"ERROR: {path} answered {response.status} {where} to the signed-in editor.")


def cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


# --- wrk -------------------------------------------------------------------------------------------


@dataclass
class WrkResult:
    requests: int
    per_second: float
    latency_ms: dict[str, float]  # "50%", "90%", "99%"
    socket_errors: int
    bad_responses: int

    @property
    def errors(self) -> int:
        return self.socket_errors + self.bad_responses


def run_wrk(url: str, session: str, duration: int, connections: int, timeout: int) -> WrkResult:
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{connections}",
        f"-d{duration}s",
        f"--timeout={timeout}s",
        "--latency",
        "-H",
        f"Cookie: sessionid={session}",
        "-H",
        "X-Forwarded-Proto: https",
        url,
    ]
    print(f"wrk -t{WRK_THREADS} -c{connections} -d{duration}s --timeout={timeout}s --latency {url}", flush=True)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    print(output, flush=True)
    return parse_wrk(output)


LATENCY_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> WrkResult:
    latency = {
        f"{percent}%": float(value) * LATENCY_UNITS_MS[unit]
        for percent, value, unit in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    }
    total = re.search(r"^\s+(\d+) requests in ", output, re.MULTILINE)
    per_second = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if len(latency) != 3 or not total or not per_second:
        raise SystemExit("ERROR: could not read wrk's output (above).")
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    bad_responses = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return WrkResult(
        requests=int(total.group(1)),
        per_second=float(per_second.group(1)),
        latency_ms=latency,
        socket_errors=sum(int(count) for count in socket_errors.groups()) if socket_errors else 0,
        bad_responses=int(bad_responses.group(1)) if bad_responses else 0,
    )


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


def duration(milliseconds: float) -> str:
    return f"{milliseconds:.0f} ms" if milliseconds < 1000 else f"{milliseconds / 1000:.2f} s"


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    memory = re.search(r"^MemTotal:\s+(\d+) kB", meminfo, re.MULTILINE)
    ram = f"{int(memory.group(1)) / 1024 / 1024:.1f} GiB RAM" if memory else "RAM unknown"
    cpu = model.group(1).strip() if model else platform.processor() or "CPU unknown"
    return f"{cpu}, {os.cpu_count()} cores, {ram}"


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
    write_doc_section("\n\n".join([SECTION, *wrapped]) + "\n")


def write_doc_section(section: str) -> None:
    """Replace the "Load run" section (up to the next second-level heading), or add it at the end."""
    text = DOC.read_text() if DOC.exists() else DOC_INTRO
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text.rstrip("\n") + "\n")


if __name__ == "__main__":
    sys.exit(main())
