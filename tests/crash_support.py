"""What tests/test_crash_safety.py needs to crash the real app half way through a write.

- `Child` runs the app (gunicorn, or a management command) in a process group of its own on the
  test's database, so one SIGKILL takes down the master and its workers as a power cut would.
- `Browser` talks HTTP to it with a session and a CSRF token, as a signed-in person does.
- `PausePoint` stops the app's own database transaction at a chosen row write, by a temporary
  trigger that waits for an advisory lock the test holds. While it waits, the rows written before
  that point exist in the open transaction, so killing the app then is a crash in mid-write.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
# Marks the app's database sessions (their application_name starts with it), so the test can tell
# them from its own in pg_stat_activity.
APP_SESSION_NAME = "crash-app"
PAUSE_LOCK_KEY = 20240515  # any number: advisory locks are the test's own, per database
# Triggers of one kind fire in name order: "zz" comes after the audit triggers (pgtrigger_...), so an
# "after" pause sees their rows.
TRIGGER_NAME = "zz_crash_test_pause"
FUNCTION_NAME = "crash_test_pause"
WAIT_SECONDS = 20


def wait_for(what: str, check: Callable[[], object], *, also: Callable[[], str] = lambda: "", seconds=WAIT_SECONDS):
    """Poll `check` until it returns something truthy and return that; fail saying `what` after `seconds`.

    `also` adds context to the failure (the app's log, say).
    """
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Gave up after {seconds} s waiting for {what}.\n{also()}")
        time.sleep(0.02)


def sql_literal(value: str) -> str:
    """A string constant for SQL we write into a function body, where parameters cannot go."""
    return "'" + value.replace("'", "''") + "'"


def query(sql: str, parameters: tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters or None)
        return cursor.fetchall() if cursor.description else []


# --- The app in a child process --------------------------------------------------------------------


def database_url_for_child() -> str:
    """DATABASE_URL for the database this test runs on, for a child process.

    The embedded server's HOST is a socket directory; dj-database-url reads it percent-encoded.
    """
    database = connection.settings_dict
    user = quote(database["USER"] or "", safe="")
    password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
    host = quote(database["HOST"] or "", safe="")
    port = f":{database['PORT']}" if database["PORT"] else ""
    options = {
        key: value for key, value in database["OPTIONS"].items() if key != "pool" and isinstance(value, str | int)
    }
    options["application_name"] = APP_SESSION_NAME
    return f"postgres://{user}{password}@{host}{port}/{quote(database['NAME'], safe='')}?{urlencode(options)}"


class Child:
    """A process of the app, leader of its own process group, its output kept in a log file."""

    def __init__(self, args: list[str], log: Path, pass_fds: tuple[int, ...] = (), env: dict[str, str] | None = None):
        self.log = log
        environment = {
            **os.environ,
            "DATABASE_URL": database_url_for_child(),
            "DEBUG": "1",
            # The same key as this process, so the session this test signs in with is valid there.
            "SECRET_KEY": settings.SECRET_KEY,
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                args,
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                pass_fds=pass_fds,
            )

    def output(self) -> str:
        return f"--- output of {self.process.args[2:]} ---\n{self.log.read_text(errors='replace')}"

    def running(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group: nothing in the app gets to run another line."""
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


class AppServer(Child):
    """`gunicorn newsdesk.wsgi` with one worker, listening on a socket this process opened.

    gunicorn reads the project's gunicorn.conf.py (when there is one) as in production; only where
    it listens and the number of workers are set here. Handing over a bound, listening socket means
    no race for a free port, and no polling for the server to come up: connections queue in the
    socket's backlog until the worker accepts them.
    """

    def __init__(self, log: Path):
        listener = socket.create_server(("127.0.0.1", 0))
        self.port = listener.getsockname()[1]
        command = [sys.executable, "-m", "gunicorn", "newsdesk.wsgi", f"--bind=fd://{listener.fileno()}"]
        super().__init__([*command, "--workers=1", "--log-level=warning"], log, pass_fds=(listener.fileno(),))
        # Only the server keeps the socket open, so if it dies a request is refused at once.
        listener.close()


class ManageCommand(Child):
    def __init__(self, log: Path, *arguments: str, env: dict[str, str] | None = None):
        super().__init__([sys.executable, "manage.py", *arguments], log, env=env)


# --- A signed-in browser ---------------------------------------------------------------------------


class Browser:
    """Cookies and CSRF as a browser keeps them, over plain http.client (no redirects followed)."""

    def __init__(self, server: AppServer, session_key: str):
        self.server = server
        self.cookies = {settings.SESSION_COOKIE_NAME: session_key}

    def get(self, path: str) -> tuple[int, dict, bytes]:
        return self._send("GET", path, b"", {})

    def post(self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None):
        body, content_type = multipart(fields, files or {})
        headers = {"Content-Type": content_type, "X-CSRFToken": self.cookies.get(settings.CSRF_COOKIE_NAME, "")}
        return self._send("POST", path, body, headers)

    def _send(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict, bytes]:
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        channel = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=WAIT_SECONDS)
        try:
            channel.request(method, path, body=body, headers={**headers, "Cookie": cookie})
            response = channel.getresponse()
            content = response.read()
        finally:
            channel.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, dict(response.headers), content


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body (what a form with a file input sends) and its Content-Type."""
    boundary = f"crash-test-{secrets.token_hex(8)}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, content) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        parts.append(f"{head}Content-Type: application/ld+json\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class InFlight:
    """A call made from a thread, so the test can act while the app is busy with it."""

    def __init__(self, call: Callable[[], object]):
        self.result: object = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(call,), daemon=True)
        self._thread.start()

    def _run(self, call: Callable[[], object]) -> None:
        try:
            self.result = call()
        except BaseException as error:  # handed to the test, which decides
            self.error = error

    def done(self) -> bool:
        return not self._thread.is_alive()

    def outcome(self) -> object:
        self._thread.join(WAIT_SECONDS)
        assert not self._thread.is_alive(), "the request never ended"
        if self.error:
            raise self.error
        return self.result


# --- Stopping the app's transaction at one row write -----------------------------------------------


class PausePoint:
    """A temporary trigger that holds the app's transaction at one write until the test lets go.

    `timing` is "before" or "after" the row write, or "commit": a deferred constraint trigger,
    which PostgreSQL fires while it processes the COMMIT the app has already sent.
    `report` is an SQL text expression evaluated inside the app's transaction when it pauses: what
    that transaction sees at that moment (its own uncommitted rows included). It is published as the
    session's application_name, the one piece of a session's state other sessions can read at once.
    """

    def __init__(self, table: str, operation: str, timing: str, *, report: str, only_when: str = "TRUE"):
        assert timing in {"before", "after", "commit"}
        self.table, self.operation, self.timing = table, operation, timing
        self.report, self.only_when = report, only_when

    def __repr__(self) -> str:
        return f"{self.timing} {self.operation} on {self.table}"

    def __enter__(self) -> PausePoint:
        query(f"SELECT pg_advisory_lock({PAUSE_LOCK_KEY})")
        query(f"""
            CREATE FUNCTION {FUNCTION_NAME}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF {self.only_when} THEN
                    PERFORM set_config('application_name', left('{APP_SESSION_NAME}: ' || {self.report}, 63), false);
                    PERFORM pg_advisory_xact_lock({PAUSE_LOCK_KEY});
                END IF;
                RETURN NEW;
            END $$
        """)
        # A deferred constraint trigger fires only once the app has sent COMMIT.
        kind = "CONSTRAINT TRIGGER" if self.timing == "commit" else "TRIGGER"
        when = "BEFORE" if self.timing == "before" else "AFTER"
        deferred = "DEFERRABLE INITIALLY DEFERRED" if self.timing == "commit" else ""
        query(
            f"CREATE {kind} {TRIGGER_NAME} {when} {self.operation} ON {self.table} {deferred}"
            f" FOR EACH ROW EXECUTE FUNCTION {FUNCTION_NAME}()"
        )
        return self

    def wait_until_paused(self, *, still_working: Callable[[], bool], log: Callable[[], str]) -> str:
        """Wait until the app's transaction waits at this point; return what it reported."""

        def paused():
            if not still_working():
                raise AssertionError(f"The app finished without reaching the pause point ({self}).\n{log()}")
            rows = query(
                "SELECT application_name FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
            )
            return rows[0][0].removeprefix(f"{APP_SESSION_NAME}: ") if rows else None

        return wait_for(f"the app to pause {self}", paused, also=log)

    def release(self) -> None:
        query(f"SELECT pg_advisory_unlock({PAUSE_LOCK_KEY})")

    def __exit__(self, *exc_info) -> None:
        # Let a session still waiting go on first (when the test failed before its crash): the
        # trigger cannot be dropped while a transaction that fired it holds the table.
        query("SELECT pg_advisory_unlock_all()")
        wait_for(
            "the app's open transactions to end",
            lambda: not [session for session in app_sessions() if session[1] != "idle"],
            also=lambda: str(app_sessions()),
        )
        query(f"DROP TRIGGER IF EXISTS {TRIGGER_NAME} ON {self.table}")
        query(f"DROP FUNCTION IF EXISTS {FUNCTION_NAME}()")


def app_sessions() -> list[tuple]:
    return query(
        "SELECT pid, state, application_name FROM pg_stat_activity WHERE datname = current_database()"
        " AND application_name LIKE %s",
        (f"{APP_SESSION_NAME}%",),
    )


def wait_for_no_app_sessions() -> None:
    """Wait until the database has ended every session of the (killed) app.

    A session whose client is gone ends when PostgreSQL next talks to that client; an open
    transaction in it is rolled back, because COMMIT never came.
    """
    wait_for("the killed app's database sessions to end", lambda: not app_sessions(), also=lambda: str(app_sessions()))


def crash_while_paused(app: Child, pause: PausePoint, *, still_working: Callable[[], bool]) -> str:
    """Kill the app while its transaction waits at `pause`; return what the transaction had written."""
    report = pause.wait_until_paused(still_working=still_working, log=app.output)
    app.kill()
    pause.release()
    wait_for_no_app_sessions()
    return report
