"""The embedded PostgreSQL used when DATABASE_URL is unset.

A fresh machine needs nothing but Python: the `pgserver` package ships real PostgreSQL binaries,
and we keep its data under `var/pgdata`. The server is started on first use and left running
(cleanup_mode=None), so manage.py, the dev server, pytest and management commands all share one
server without anyone starting it by hand.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import sys
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

DATABASE_NAME = "newsdesk"
# Benchmarks use a database of their own on the same server, so the demo desk stays as it was.
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,62}")

NO_DATABASE = (
    "No PostgreSQL database could be reached: set DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/NAME, "
    "or install the requirements (make run does) so the embedded PostgreSQL under var/ can start"
)


def embedded_database_settings(var_dir: Path, name: str = DATABASE_NAME) -> dict[str, str]:
    """Start (or reuse) the embedded server and return Django connection settings for its database `name`."""
    if not NAME_PATTERN.fullmatch(name):
        raise ImproperlyConfigured(
            f"EMBEDDED_DATABASE_NAME must be lower-case letters, digits and underscores, not {name!r}."
        )
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (as under CI); its fallback is fine.
            warnings.simplefilter("ignore")
            import pgserver
    except ImportError as error:
        raise ImproperlyConfigured(f"{NO_DATABASE} ({error}).") from error

    try:
        var_dir.mkdir(parents=True, exist_ok=True)
        _repair_handle_list(var_dir / "pgdata")
        server = pgserver.get_server(var_dir / "pgdata", cleanup_mode=None)
        # At exit pgserver takes this process off a shared list in a file, without a lock: when the web
        # server and a worker stop together (Ctrl-C on `make run`), one may read the file half-written
        # by the other. The list only decides who stops the server, which this project never asks for.
        atexit.unregister(server._cleanup)
        atexit.register(_forget_process, server)
        uri = server.get_uri()
        _create_database_if_missing(uri, name)
    except Exception as error:  # pgserver raises a mix of OS and subprocess errors
        raise ImproperlyConfigured(f"{NO_DATABASE} ({error}).") from error

    # pgserver's URI names the socket directory in a `host` query parameter, which
    # dj-database-url ignores; Django needs it as HOST.
    parts = urlsplit(uri)
    socket_dir = parse_qs(parts.query).get("host", [""])[0]
    return {
        "NAME": name,
        "USER": parts.username or "postgres",
        "PASSWORD": "",
        "HOST": socket_dir or parts.hostname or "",
        "PORT": str(parts.port or ""),
    }


def _repair_handle_list(pgdata: Path) -> None:
    """pgserver keeps the processes using the server in a JSON file it rewrites without a lock; a
    process stopped mid-write (Ctrl-C on `make run` stops two at once) can leave it empty, and then
    nothing starts. The list only matters for stopping the server, which we never leave to pgserver."""
    handles = pgdata / ".handle_pids.json"
    try:
        json.loads(handles.read_text())
    except FileNotFoundError:
        return
    except (ValueError, OSError):
        with contextlib.suppress(OSError):
            handles.write_text("[]")


def _forget_process(server) -> None:
    with contextlib.suppress(ValueError, OSError):
        server._cleanup()


def _create_database_if_missing(uri: str, name: str) -> None:
    import psycopg

    with psycopg.connect(uri, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')  # the name is checked against NAME_PATTERN


def stop_embedded_database(var_dir: Path) -> bool:
    """Stop the embedded server if it runs (fast mode: open sessions are closed). Data stays."""
    pgdata = var_dir / "pgdata"
    if not (pgdata / "postmaster.pid").exists():
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
    # As root, pgserver runs PostgreSQL as its own "pgserver" system user; pg_ctl must too.
    user = "pgserver" if os.geteuid() == 0 else None
    pgserver.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    return True


if __name__ == "__main__":
    # `python -m newsdesk.embedded_db stop`, used by `make db-stop`.
    if sys.argv[1:] != ["stop"]:
        sys.exit("usage: python -m newsdesk.embedded_db stop")
    stopped = stop_embedded_database(Path(__file__).resolve().parent.parent / "var")
    print("Embedded PostgreSQL stopped." if stopped else "Embedded PostgreSQL was not running.")
