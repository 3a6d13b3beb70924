"""What the benchmark scripts in bench/ share: production settings, manage.py, gunicorn, signing in, wrk, the doc.

bench/load.py (the load run) and bench/scale.py (the scale benchmark) both run the desk the way it is
deployed, gunicorn with DEBUG off behind a TLS proxy, and talk to it over plain HTTP as that proxy
would.
"""

from __future__ import annotations

import http.client
import os
import platform
import re
import runpy
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
WRK_THREADS = 2

DOC_INTRO = """# Benchmarks

Figures from the scripts in `bench/` (`make bench`): where the desk stands on a known machine, so a
change that makes it much slower shows. Each section says how its figures were taken and how to take
them again.
"""


def production_environment(embedded_database_name: str) -> dict[str, str]:
    """Settings as a deployment has them: DEBUG off, its own secret, the embedded database unless told.

    Without DATABASE_URL the benchmark gets a database of its own on the embedded server, so the demo
    desk that `make run` serves stays as it was.
    """
    env = dict(os.environ)
    env |= {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1"}
    if not env.get("DATABASE_URL"):
        env |= {
            "EMBEDDED_DATABASE": "1",
            "EMBEDDED_DATABASE_NAME": env.get("EMBEDDED_DATABASE_NAME") or embedded_database_name,
        }
    return env


def manage(*arguments: str, env: dict[str, str]) -> None:
    command = [sys.executable, "manage.py", *arguments, "--verbosity", "0"]
    if subprocess.run(command, cwd=ROOT, env=env, check=False).returncode != 0:  # noqa: S603 - our own
        raise SystemExit(f"ERROR: manage.py {arguments[0]} failed (see above).")


# --- The server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(env: dict[str, str]) -> tuple[subprocess.Popen, int, dict]:
    """gunicorn with gunicorn.conf.py on a free port, access log off; returns it, the port and its settings."""
    port = free_port()
    env = env | {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": "off"}
    # The settings as gunicorn reads them, from the same environment (workers, threads, timeout).
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        config = runpy.run_path(str(ROOT / "gunicorn.conf.py"), run_name="gunicorn_config")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsdesk.wsgi", "-c", "gunicorn.conf.py"], cwd=ROOT, env=env
    )
    return server, port, config


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


def run_wrk(url: str, session: str | None, duration: int, connections: int, timeout: int) -> WrkResult:
    """wrk from a second process, signed in with `session` (None: anonymous).

    wrk gives up on an answer after 2 s by default and leaves it out of the percentiles; `timeout`
    (as long as gunicorn lets a request run) measures slow answers instead of hiding them.
    """
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{connections}",
        f"-d{duration}s",
        f"--timeout={timeout}s",
        "--latency",
        *(["-H", f"Cookie: sessionid={session}"] if session else []),
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


def write_doc_section(heading: str, section: str) -> None:
    """Replace the section under `heading` (up to the next second-level heading), or add it at the end."""
    text = DOC.read_text() if DOC.exists() else DOC_INTRO
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text.rstrip("\n") + "\n")
