"""Dump the whole database to one file that `manage.py restore` reads back:

    manage.py backup --output /srv/backups/desk.dump

Without --output the file is var/backups/newsdesk-<UTC time>.dump.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.backups import find_tool, major_version, run, server_major_version


class Command(BaseCommand):
    help = (
        "Dump the configured database with pg_dump (custom format) into one file."
        " Without --output it goes to var/backups/ with the UTC time in its name."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", help="The file to write. A missing folder is created.")

    def handle(self, *args, output=None, **options) -> None:
        target = Path(output) if output else default_path()
        if target.is_dir():
            raise CommandError(f"{target} is a folder; give the backup file's name, such as {target / 'desk.dump'}.")
        pg_dump = find_tool("pg_dump")
        tool_version, server_version = major_version(pg_dump), server_major_version()
        if tool_version < server_version:
            raise CommandError(
                f"{pg_dump} is version {tool_version}, older than the PostgreSQL {server_version} server;"
                f" install the client tools of version {server_version} or newer."
            )

        target.parent.mkdir(parents=True, exist_ok=True)
        # Dump next to the target, then rename: a failed dump never leaves a half file under its name.
        descriptor, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
        os.close(descriptor)
        try:
            run(pg_dump, "--no-password", "--format=custom", f"--file={partial}")
            with open(partial, "rb") as written:
                os.fsync(written.fileno())
            os.replace(partial, target)
        finally:
            Path(partial).unlink(missing_ok=True)
        self.stdout.write(f"Wrote {target} ({target.stat().st_size:,} bytes).")


def default_path() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return settings.BASE_DIR / "var" / "backups" / f"newsdesk-{stamp}.dump"
