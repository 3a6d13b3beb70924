"""Replace the database's contents with a file written by `manage.py backup`:

    manage.py restore var/backups/newsdesk-20240515T120000Z.dump

Stop the web servers first: the restore needs every table to itself.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from claims.backups import database_name, find_tool, run


class Command(BaseCommand):
    help = (
        "Replace everything in the configured database with a backup file written by manage.py backup."
        " It all happens in one transaction: if anything fails, the database stays as it was."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="The backup file to restore.")
        parser.add_argument(
            "--no-input", action="store_true", help="Do not ask for confirmation (for scripts and tests)."
        )

    def handle(self, *args, path, no_input=False, **options) -> None:
        archive = Path(path)
        name = database_name()
        pg_restore = find_tool("pg_restore")
        if not archive.is_file():
            raise CommandError(f"There is no backup file at {archive}; nothing was changed.")
        try:
            # Reads the archive's table of contents without connecting: refuses what is not a backup at all.
            run(pg_restore, "--list", str(archive))
        except CommandError as error:
            raise CommandError(f"{archive} is not a readable backup ({error}); nothing was changed.") from error

        if not no_input:
            question = f"This replaces everything in the database “{name}” with {archive}. Type {name} to go on: "
            try:
                answer = input(question)
            except EOFError:  # no terminal to answer from, as under cron: that is not a yes
                answer = ""
            if answer.strip() != name:
                raise CommandError("Restore cancelled; nothing was changed.")

        # No session of ours stays checked out across the swap: one left inside a transaction would
        # hold locks that the restore's DROPs wait for.
        connections.close_all()
        try:
            # --clean drops each object before recreating it; in one transaction, with the first error
            # aborting it all. The custom format loads rows with COPY before it creates the triggers, so
            # the audit and search triggers cannot fire on restored rows and rewrite them.
            run(
                pg_restore,
                "--no-password",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={name}",
                str(archive),
            )
        finally:
            connections.close_all()
        self.stdout.write(f"Restored the database “{name}” from {archive}.")
