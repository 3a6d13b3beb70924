"""Settings for newsdesk, read from the environment.

Every variable is listed in the README. A bad or missing value raises ImproperlyConfigured with a
sentence that says what to set.
"""

from __future__ import annotations

import ipaddress
import os
import zoneinfo
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from newsdesk.embedded_db import embedded_database_settings

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in TRUE_WORDS:
        return True
    if value.strip().lower() in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no or on/off, not {value!r}.")


def env_int(name: str, default: int, *, minimum: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least {minimum}, not {value!r}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# --- Core ------------------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: set SECRET_KEY to a long random string, or set DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105 - never used with DEBUG off

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "csp",
    "template_partials",
    "django_filters",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "procrastinate.contrib.django",
    "claims",
    "intake",
    "captures",
    "inbox",
    "webhooks",
    "ninja",  # the API docs' Swagger UI files, served as static files (no CDN)
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every answer under /api/ is JSON, errors included, whichever layer wrote it (docs/api.md).
    "api.middleware.JsonErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Keeps signed-in pages and exports out of browser and proxy caches; it needs request.user.
    "newsdesk.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Workflow refusals a view does not answer itself: one place gives them their status and page.
    "claims.middleware.WorkflowRefusalMiddleware",
    # Attaches the user and URL of each request to the audit history rows it writes.
    "pghistory.middleware.HistoryMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its own page.
    "axes.middleware.AxesMiddleware",
]

# Benchmarks only (bench/, `make bench`): Server-Timing headers with server time and query counts, and
# the bare 50-row page that is the floor of this stack. Never on in production.
BENCHMARK = env_bool("BENCHMARK", default=False)
# The bench app (the scale seeder behind `manage.py seed_scale`, the Server-Timing middleware, the bare
# page) is development code: installed with DEBUG on (tests, `make run`) or BENCHMARK on (the benchmark
# runs with DEBUG off, as deployed), never in production (docs/architecture.md, "Benchmarks and
# synthetic data").
if DEBUG or BENCHMARK:
    INSTALLED_APPS.append("bench")
if BENCHMARK:
    MIDDLEWARE.insert(0, "bench.middleware.ServerTimingMiddleware")

ROOT_URLCONF = "newsdesk.urls"
WSGI_APPLICATION = "newsdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "claims.context_processors.desk",
            ],
        },
    },
    # The few templates rendered fifty times a page (newsdesk/jinja2.py says why); included from
    # Django templates with the tags in claims/templatetags/desk.py.
    {
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "newsdesk.jinja2.environment", "autoescape": True},
    },
]

# --- Database --------------------------------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured(
            "DATABASE_URL must be a PostgreSQL URL such as postgres://USER:PASSWORD@HOST:5432/NAME."
        )
    _database = dj_database_url.parse(DATABASE_URL)
elif DEBUG or env_bool("EMBEDDED_DATABASE", default=False):
    _embedded_name = os.environ.get("EMBEDDED_DATABASE_NAME", "").strip() or "newsdesk"
    _database = {
        "ENGINE": "django.db.backends.postgresql",
        **embedded_database_settings(BASE_DIR / "var", _embedded_name),
    }
else:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set: with DEBUG off set DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/NAME, "
        "or EMBEDDED_DATABASE=1 to run on the embedded PostgreSQL under var/."
    )

_database["ENGINE"] = "django.db.backends.postgresql"
# psycopg 3's connection pool keeps connections open between requests; Django requires
# CONN_MAX_AGE = 0 with it.
_database["CONN_MAX_AGE"] = 0
# Keep what the URL asked for (?sslmode=require and the like) and add the pool.
_database.setdefault("OPTIONS", {})["pool"] = {
    "min_size": env_int("DATABASE_POOL_MIN", 1, minimum=0),
    "max_size": env_int("DATABASE_POOL_MAX", 8, minimum=1),
    "timeout": 10,
}
# Planner settings for each session. The desk runs many small queries at once: starting parallel
# workers costs more than they save, and on SSDs a random read costs about what a sequential one does.
# Behind PgBouncer (which refuses startup options) set DATABASE_SESSION_OPTIONS= and put these in
# the database's own settings instead (docs/deploy.md).
_session_options = os.environ.get(
    "DATABASE_SESSION_OPTIONS", "-c max_parallel_workers_per_gather=0 -c random_page_cost=1.1"
).strip()
if _session_options:
    _database["OPTIONS"]["options"] = f"{_database['OPTIONS'].get('options', '')} {_session_options}".strip()
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -----------------------------------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Auth ------------------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes checks every sign-in first: after AXES_FAILURE_LIMIT failures for one username from one
# address, that pair is locked until an admin unlocks it (Admin → Axes → Access attempts, or
# `manage.py axes_reset_username NAME`), or until AXES_COOLOFF_HOURS pass when that is set.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading a person's permissions with the person (one query a request).
    "claims.roles.DeskPermissionBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 0, minimum=0) or None
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "newsdesk.security.client_ip"
# How many proxies of ours stand in front of the app and append to X-Forwarded-For. With 0 the peer
# address is the client's; otherwise the entry that many places from the right is, so a client
# cannot pick its own address by sending the header.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# Failed sign-ins are logged as JSON by newsdesk.security; axes' own lines would repeat them.
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "claims:dashboard"
LOGOUT_REDIRECT_URL = "login"

# --- Time and language -----------------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
USE_I18N = True
USE_TZ = True
# The newsroom's time zone: weekly reports run Monday 00:00 to Sunday 24:00 here, and every
# time is shown in it. Times are stored in UTC.
TIME_ZONE = os.environ.get("NEWSROOM_TIME_ZONE", "Europe/Kyiv")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
    raise ImproperlyConfigured(
        f"NEWSROOM_TIME_ZONE must be an IANA time zone such as Europe/Kyiv, not {TIME_ZONE!r}."
    ) from error

# --- The desk's rules ------------------------------------------------------------------------------

# The two-source rule: how many independent corroborations "confirmed" needs.
CONFIRMED_MIN_INDEPENDENT_SOURCES = env_int("CONFIRMED_MIN_INDEPENDENT_SOURCES", 2, minimum=1)
# Whether an editor may approve their own proposal (for a one-editor desk).
ALLOW_SELF_APPROVAL = env_bool("ALLOW_SELF_APPROVAL", default=False)
NEWSROOM_NAME = os.environ.get("NEWSROOM_NAME", "newsdesk")
# Where the desk is reached, for links in files written outside a request (weekly_report).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The JSON API's rate limit per personal access token: requests per window (docs/api.md).
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 600, minimum=1)
API_RATE_WINDOW_SECONDS = env_int("API_RATE_WINDOW_SECONDS", 60, minimum=1)
# A week with more verdicts than this has its PDF and JSON prepared by a worker instead of written
# while the browser waits (docs/report-format.md, "Busy weeks").
REPORT_INLINE_LIMIT = env_int("REPORT_INLINE_LIMIT", 2000, minimum=0)

# --- Background work and captures ----------------------------------------------------------------

# procrastinate runs background jobs from the desk's own PostgreSQL (`manage.py procrastinate worker`;
# docs/deploy.md). Workers send a heartbeat; a job whose worker stopped beating for
# WORKER_STALLED_AFTER_SECONDS is handed to another worker (captures.tasks.retry_stalled_jobs).
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 10, minimum=1)
WORKER_STALLED_AFTER_SECONDS = env_int("WORKER_STALLED_AFTER_SECONDS", 30, minimum=2)
PROCRASTINATE_WORKER_DEFAULTS = {
    "update_heartbeat_interval": WORKER_HEARTBEAT_SECONDS,
    "stalled_worker_timeout": WORKER_STALLED_AFTER_SECONDS,
}
# Linking a new source queues a capture of it (off only to measure linking without the queue).
CAPTURE_ON_LINK = env_bool("CAPTURE_ON_LINK", default=True)
# The safe fetcher (captures.fetcher) refuses private, loopback and other non-public addresses.
# CAPTURE_ALLOW_PRIVATE_NETWORKS=1 lets it fetch anything (tests and the demo, from this machine);
# CAPTURE_ALLOWED_NETWORKS lets through only the networks it lists (e.g. 10.20.0.0/16).
CAPTURE_ALLOW_PRIVATE_NETWORKS = env_bool("CAPTURE_ALLOW_PRIVATE_NETWORKS", default=False)
CAPTURE_ALLOWED_NETWORKS = env_list("CAPTURE_ALLOWED_NETWORKS", [])
for _network in CAPTURE_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"CAPTURE_ALLOWED_NETWORKS must list networks such as 10.20.0.0/16, not {_network!r}."
        ) from error
CAPTURE_MAX_BYTES = env_int("CAPTURE_MAX_MEGABYTES", 25, minimum=1) * 1024 * 1024
CAPTURE_TIMEOUT_SECONDS = env_int("CAPTURE_TIMEOUT_SECONDS", 30, minimum=1)
CAPTURE_USER_AGENT = os.environ.get("CAPTURE_USER_AGENT", "").strip()
# Screenshot and PDF: the system Chromium, found as the browser tests find it (CHROMIUM, then PATH).
CHROMIUM = os.environ.get("CHROMIUM", "").strip()
CAPTURE_BROWSER = env_bool("CAPTURE_BROWSER", default=True)
# The Internet Archive's Save Page Now, off by default; keys from https://archive.org/account/s3.php.
SAVE_PAGE_NOW = env_bool("SAVE_PAGE_NOW", default=False)
SAVE_PAGE_NOW_URL = os.environ.get("SAVE_PAGE_NOW_URL", "https://web.archive.org").strip().rstrip("/")
SAVE_PAGE_NOW_ACCESS_KEY = os.environ.get("SAVE_PAGE_NOW_ACCESS_KEY", "").strip()
SAVE_PAGE_NOW_SECRET_KEY = os.environ.get("SAVE_PAGE_NOW_SECRET_KEY", "").strip()
if SAVE_PAGE_NOW and not (SAVE_PAGE_NOW_ACCESS_KEY and SAVE_PAGE_NOW_SECRET_KEY):
    raise ImproperlyConfigured(
        "SAVE_PAGE_NOW is on: set SAVE_PAGE_NOW_ACCESS_KEY and SAVE_PAGE_NOW_SECRET_KEY (archive.org S3 keys)."
    )
# The link watch re-checks every source behind a decided claim once in this many days, spread out.
LINK_WATCH_DAYS = env_int("LINK_WATCH_DAYS", 7, minimum=1)

# --- Webhooks --------------------------------------------------------------------------------------

# Deliveries to the endpoints editors register (webhooks/; docs/architecture.md, "Webhooks"): how many
# attempts one delivery gets, the wait before the second (doubled before each one after: 10, 20, 40 s…),
# and how long one attempt may take. They go through the safe fetcher's address checks above.
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 6, minimum=1)
WEBHOOK_BACKOFF_SECONDS = env_int("WEBHOOK_BACKOFF_SECONDS", 10, minimum=0)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)

# --- E-mail and the inbox -------------------------------------------------------------------------

# Notifications are e-mailed by workers (inbox/; docs/architecture.md, "Notifications"): printed on the
# console in development, sent over SMTP in production (docs/deploy.md, "E-mail").
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
if DEBUG and not EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = EMAIL_HOST or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "").strip()
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
# A mail server that does not answer must not hold a worker for ever; the job is retried.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT_SECONDS", 30, minimum=1)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "").strip() or "newsdesk@localhost"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The daily digest goes out at this hour in the newsroom's time zone (or at the first hour a worker runs after it).
INBOX_DIGEST_HOUR = env_int("INBOX_DIGEST_HOUR", 7, minimum=0)
if INBOX_DIGEST_HOUR > 23:
    raise ImproperlyConfigured(f"INBOX_DIGEST_HOUR must be an hour from 0 to 23, not {INBOX_DIGEST_HOUR}.")

# --- Static files ----------------------------------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", "").strip() or BASE_DIR / "var" / "media")

# Captured sources (screenshots, PDFs, WARC files) are kept in the "captures" storage: the file system
# under MEDIA_ROOT, or an S3-compatible bucket when CAPTURE_S3_BUCKET is set (docs/deploy.md). They
# are never served from a public path: a view checks the desk login first (captures.views).
CAPTURE_S3_BUCKET = os.environ.get("CAPTURE_S3_BUCKET", "").strip()
if CAPTURE_S3_BUCKET:
    _capture_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": CAPTURE_S3_BUCKET,
            "endpoint_url": os.environ.get("CAPTURE_S3_ENDPOINT_URL", "").strip() or None,
            "region_name": os.environ.get("CAPTURE_S3_REGION", "").strip() or None,
            "access_key": os.environ.get("CAPTURE_S3_ACCESS_KEY_ID", "").strip() or None,
            "secret_key": os.environ.get("CAPTURE_S3_SECRET_ACCESS_KEY", "").strip() or None,
            "location": "captures",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": True,
        },
    }
else:
    _capture_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "captures", "base_url": None, "allow_overwrite": True},
    }

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "captures": _capture_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security (production) -------------------------------------------------------------------------

# newsdesk runs behind a TLS-terminating proxy that sets X-Forwarded-Proto (docs/deploy.md). Turn
# this off when the app is reachable without such a proxy, or clients could claim HTTPS themselves.
if env_bool("TRUST_X_FORWARDED_PROTO", default=True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe /healthz over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# The browser may run only the desk's own script and style files: no inline script or style, no
# eval (htmx is configured without it in base.html), nothing from other hosts, and no framing. User
# text can therefore never become code, even if an escaping mistake let markup through.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The desk's own events (decisions, failed sign-ins) are one JSON object per line on stderr, so a
# log shipper can index them by event, user and claim; everything else stays plain text.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "json": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "newsdesk": {"handlers": ["json"], "level": "INFO", "propagate": False},
        # pgserver logs every start-up check at INFO.
        "pgserver": {"level": "WARNING"},
        # WeasyPrint reports each screen-only CSS rule it skips; the PDF does not need them.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}
