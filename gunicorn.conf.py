"""gunicorn settings for newsdesk: `gunicorn newsdesk.wsgi -c gunicorn.conf.py`.

Fitted to a small machine (two cores) that also runs PostgreSQL. Each value can be changed from the
environment without editing this file:

    GUNICORN_BIND        address to listen on (default 127.0.0.1:8000, behind the TLS proxy)
    GUNICORN_WORKERS     worker processes (default: cores + 1)
    GUNICORN_THREADS     threads per worker (default 2; keep it at most DATABASE_POOL_MAX)
    GUNICORN_TIMEOUT     seconds a request may take before its worker is restarted (default 30)
    GUNICORN_ACCESS_LOG  where the access log goes: "-" for standard output (the default), "off" for none
"""

from __future__ import annotations

import os


def _whole_number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdecimal() or int(value) < 1:
        raise SystemExit(f"{name} must be a whole number of at least 1, not {value!r}.")
    return int(value)


cores = os.cpu_count() or 1

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Rendering a page is mostly Python (templates, the ORM), which holds the GIL, so processes, not
# threads, use the cores; one more process than cores keeps them busy while another waits on the
# database. A second thread per process overlaps that wait cheaply. Each thread holds its own
# connection from the worker's pool (DATABASE_POOL_MAX, default 8), so threads must not outnumber it.
workers = _whole_number("GUNICORN_WORKERS", cores + 1)
threads = _whole_number("GUNICORN_THREADS", 2)
worker_class = "gthread"

# The slowest legitimate request is the PDF of a busy week; anything slower is stuck.
timeout = _whole_number("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
# The proxy in front reuses its connections; a few seconds is enough between its requests.
keepalive = 5

_access_log = os.environ.get("GUNICORN_ACCESS_LOG", "-").strip()
accesslog = None if _access_log.lower() in {"", "off"} else _access_log
errorlog = "-"

# Nothing here uses gunicornc, and its socket's default path in the home directory would clash
# between two servers on one machine (a load run beside a development server).
control_socket_disable = True
