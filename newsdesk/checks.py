"""A system check that turns "cannot reach the database" into one sentence that says what to set.

Without it a wrong DATABASE_URL shows up as the connection pool timing out after ten seconds with no
reason given. `migrate` and `check --database default` run it.
"""

from __future__ import annotations

from django.core import checks
from django.db import connections


@checks.register(checks.Tags.database)
def database_reachable(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    import psycopg

    errors = []
    for alias in databases or []:
        parameters = connections[alias].get_connection_params()
        parameters.pop("cursor_factory", None)
        parameters.pop("context", None)
        parameters["connect_timeout"] = 5
        try:
            psycopg.connect(**parameters).close()
        except psycopg.OperationalError as error:
            where = f"{parameters.get('host') or 'localhost'}:{parameters.get('port') or 5432}"
            reason = " ".join(line.strip() for line in str(error).splitlines()) or type(error).__name__
            errors.append(
                checks.Error(
                    f"Cannot reach PostgreSQL database {parameters.get('dbname')!r} at {where}: {reason}",
                    hint="Set DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/NAME to a server that answers, "
                    "or unset it to use the embedded PostgreSQL under var/.",
                    id="newsdesk.E001",
                )
            )
    return errors
