"""Settings are read in a fresh interpreter per case, since Django reads them once per process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsdesk.embedded_db import embedded_database_settings

ROOT = Path(__file__).resolve().parent.parent


def _load_settings(*command: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}
    }
    environment.update(env)
    return subprocess.run(
        list(command) or [sys.executable, "-c", "from django.conf import settings; print(settings.TIME_ZONE)"],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "newsdesk.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    result = _load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


def test_settings_reject_a_database_url_that_is_not_postgresql():
    result = _load_settings(DEBUG="1", DATABASE_URL="sqlite:///db.sqlite3")
    assert result.returncode != 0
    assert "DATABASE_URL must be a PostgreSQL URL" in result.stderr


def test_production_settings_need_a_database_url():
    result = _load_settings(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "DATABASE_URL is not set: with DEBUG off set DATABASE_URL=" in result.stderr


def test_database_url_options_are_kept_beside_the_pool():
    script = (
        "from django.conf import settings; options = settings.DATABASES['default']['OPTIONS'];"
        "print(options['sslmode'], 'pool' in options)"
    )
    result = _load_settings(
        sys.executable, "-c", script, DEBUG="1", DATABASE_URL="postgres://x@db.example.org/x?sslmode=require"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["require", "True"]


def test_settings_reject_an_unknown_time_zone():
    result = _load_settings(DEBUG="1", DATABASE_URL="postgres://x@127.0.0.1/x", NEWSROOM_TIME_ZONE="Mars/Olympus")
    assert result.returncode != 0
    assert "NEWSROOM_TIME_ZONE must be an IANA time zone" in result.stderr


def test_settings_reject_a_bad_two_source_threshold():
    result = _load_settings(
        DEBUG="1", DATABASE_URL="postgres://x@127.0.0.1/x", CONFIRMED_MIN_INDEPENDENT_SOURCES="zero"
    )
    assert result.returncode != 0
    assert "CONFIRMED_MIN_INDEPENDENT_SOURCES must be a whole number of at least 1" in result.stderr


def test_settings_start_in_production_mode_with_a_secret_key():
    result = _load_settings(
        DEBUG="0", SECRET_KEY="x" * 50, DATABASE_URL="postgres://x@127.0.0.1/x", NEWSROOM_TIME_ZONE="Europe/Berlin"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Europe/Berlin"


def test_without_database_url_the_embedded_server_is_reached_through_its_socket_directory():
    script = "from django.conf import settings; print(settings.DATABASES['default']['HOST'])"
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**environment, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "newsdesk.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    socket_dir = Path(result.stdout.strip())
    assert result.returncode == 0, result.stderr
    assert (socket_dir / ".s.PGSQL.5432").exists() or list(socket_dir.glob(".s.PGSQL.*"))


def test_benchmarks_can_have_a_database_of_their_own_on_the_embedded_server():
    script = (
        "from django.conf import settings; from django.db import connection; "
        "print(settings.DATABASES['default']['NAME'], connection.cursor().connection.info.dbname)"
    )
    result = _load_settings(sys.executable, "-c", script, DEBUG="1", EMBEDDED_DATABASE_NAME="newsdesk_settings_probe")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["newsdesk_settings_probe"] * 2

    refused = _load_settings(DEBUG="1", EMBEDDED_DATABASE_NAME='x"; DROP DATABASE newsdesk; --')
    assert refused.returncode != 0
    assert "EMBEDDED_DATABASE_NAME must be lower-case letters, digits and underscores" in refused.stderr


def test_when_no_database_can_be_had_the_message_says_what_to_set(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    with pytest.raises(ImproperlyConfigured, match=r"set DATABASE_URL=postgres://"):
        embedded_database_settings(blocker / "var")


def test_an_unreachable_database_url_is_reported_in_one_sentence_with_what_to_set():
    result = _load_settings(
        sys.executable,
        "manage.py",
        "check",
        "--database",
        "default",
        DEBUG="1",
        DATABASE_URL="postgres://desk@127.0.0.1:9/newsroom",
    )
    assert result.returncode != 0
    assert "Cannot reach PostgreSQL database 'newsroom' at 127.0.0.1:9" in result.stderr
    assert "Set DATABASE_URL=postgres://" in result.stderr


def test_a_developers_checkout_runs_manage_py_without_any_setting():
    result = _load_settings(sys.executable, "manage.py", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_manage_py_pointed_at_a_real_database_keeps_debug_off():
    result = _load_settings(sys.executable, "manage.py", "check", DATABASE_URL="postgres://x@127.0.0.1:9/x")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_process_list_left_half_written_by_the_embedded_server_is_repaired(tmp_path):
    """Two processes stopped at once (Ctrl-C on `make run`) can leave pgserver's list of its users empty,
    after which nothing could connect; the desk resets it (newsdesk/embedded_db.py)."""
    from newsdesk.embedded_db import _repair_handle_list

    handles = tmp_path / ".handle_pids.json"
    handles.write_text("")
    _repair_handle_list(tmp_path)
    assert handles.read_text() == "[]"

    handles.write_text("[12, 34]")
    _repair_handle_list(tmp_path)
    assert handles.read_text() == "[12, 34]"


def test_capture_settings_are_checked_at_start_up():
    networks = _load_settings(DEBUG="1", CAPTURE_ALLOWED_NETWORKS="10.20.0.0/16,intranet")
    assert networks.returncode != 0
    assert "CAPTURE_ALLOWED_NETWORKS must list networks such as 10.20.0.0/16, not 'intranet'." in networks.stderr
    archive = _load_settings(DEBUG="1", SAVE_PAGE_NOW="1")
    assert archive.returncode != 0
    assert "SAVE_PAGE_NOW is on: set SAVE_PAGE_NOW_ACCESS_KEY and SAVE_PAGE_NOW_SECRET_KEY" in archive.stderr


def test_production_cookies_are_secure_and_https_is_enforced():
    script = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000)"
    )
    result = _load_settings(
        sys.executable, "-c", script, DEBUG="0", SECRET_KEY="x" * 50, DATABASE_URL="postgres://x@127.0.0.1/x"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"] * 5


def test_production_settings_leave_the_benchmark_app_out():
    """bench/ (the scale seeder, Server-Timing, the bare page) is for development and benchmarks only."""
    script = (
        "import django; django.setup(); from django.conf import settings; print('bench' in settings.INSTALLED_APPS)"
    )
    production = _load_settings(
        sys.executable,
        "-c",
        script,
        DEBUG="0",
        SECRET_KEY="x" * 50,
        EMBEDDED_DATABASE="1",
        ALLOWED_HOSTS="desk.example.org",
    )
    assert production.stdout.strip() == "False", production.stderr
    development = _load_settings(sys.executable, "-c", script, DEBUG="1")
    assert development.stdout.strip() == "True", development.stderr


def test_the_wsgi_application_freezes_what_start_up_made():
    """Start-up objects are kept out of the garbage collector's full collections (newsdesk/wsgi.py)."""
    import gc

    import newsdesk.wsgi  # noqa: F401 - imported for what it does

    assert gc.get_freeze_count() > 10_000
