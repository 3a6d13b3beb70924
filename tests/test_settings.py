"""Settings are read in a fresh interpreter per case, since Django reads them once per process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load_settings(**env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.TIME_ZONE)"],
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


def test_settings_reject_an_unknown_time_zone():
    result = _load_settings(DEBUG="1", DATABASE_URL="postgres://x@127.0.0.1/x", NEWSROOM_TIME_ZONE="Mars/Olympus")
    assert "NEWSROOM_TIME_ZONE must be an IANA time zone" in result.stderr


def test_settings_reject_a_bad_two_source_threshold():
    result = _load_settings(
        DEBUG="1", DATABASE_URL="postgres://x@127.0.0.1/x", CONFIRMED_MIN_INDEPENDENT_SOURCES="zero"
    )
    assert "CONFIRMED_MIN_INDEPENDENT_SOURCES must be a whole number of at least 1" in result.stderr


def test_settings_start_in_production_mode_with_a_secret_key():
    result = _load_settings(
        DEBUG="0", SECRET_KEY="x" * 50, DATABASE_URL="postgres://x@127.0.0.1/x", NEWSROOM_TIME_ZONE="Europe/Berlin"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Europe/Berlin"
