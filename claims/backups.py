"""What `manage.py backup` and `manage.py restore` share: finding PostgreSQL's own dump tools and
running them against the configured default database.

The tools read the connection from PG* environment variables, so the password never appears on a
command line (where any user of the machine could read it from the process list).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections

# Connection options a DATABASE_URL may carry that the tools must honour too.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def database_name() -> str:
    return settings.DATABASES["default"]["NAME"]


def find_tool(name: str) -> Path:
    """pgserver's copy first (PostgreSQL 16, which reads 15 and 16 servers), then the one on PATH."""
    # find_spec locates the package without importing it (importing starts nothing, but warns).
    spec = importlib.util.find_spec("pgserver")
    if spec and spec.submodule_search_locations:
        bundled = Path(spec.submodule_search_locations[0]) / "pginstall" / "bin" / name
        if bundled.is_file():
            return bundled
    on_path = shutil.which(name)
    if on_path:
        return Path(on_path)
    raise CommandError(f"{name} was not found: install the PostgreSQL client tools, or the requirements (pgserver).")


def major_version(tool: Path) -> int:
    """The major version a tool reports, e.g. 16 from "pg_dump (PostgreSQL) 16.2"."""
    found = re.search(r"\)\s*(\d+)", run(tool, "--version"))
    if not found:
        raise CommandError(f"Could not tell which version {tool} is.")
    return int(found.group(1))


def server_major_version() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def tool_environment() -> dict[str, str]:
    database = settings.DATABASES["default"]
    given = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database.get("NAME"),
    }
    options = database.get("OPTIONS", {})
    given |= {variable: options.get(option) for option, variable in LIBPQ_OPTIONS.items()}
    # Settings win; other PG* variables pass through, as they do for Django's own connection (libpq reads them).
    return os.environ | {key: str(value) for key, value in given.items() if value not in (None, "")}


def run(tool: Path, *arguments: str) -> str:
    """Run a PostgreSQL client tool with the default database's connection; its stderr becomes the CommandError."""
    # The arguments are ours (paths and fixed flags), never shell text.
    result = subprocess.run(  # noqa: S603
        [str(tool), *arguments],
        env=tool_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise CommandError(f"{tool.name} failed: {result.stderr.strip() or f'exit status {result.returncode}'}")
    return result.stdout
