"""Abuse defences: login throttling, the Content-Security-Policy and other headers, error pages that
leak nothing, and the JSON log lines for decisions and failed sign-ins."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import path, reverse

from claims.models import Decision, Status
from tests.factories import ClaimFactory, EvidenceFactory, ReviewFactory, UserFactory
from tests.test_settings import _load_settings

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="203.0.113.7")


@pytest.fixture
def desk_log():
    """What the desk's JSON logger writes, one parsed object per line, through the configured formatter."""
    stream = io.StringIO()
    logger = logging.getLogger("newsdesk")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.handlers[0].formatter)
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


# --- Login throttling ----------------------------------------------------------------------------


def test_repeated_failed_sign_ins_lock_the_username_from_that_address(client, fact_checker):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, fact_checker.username, "wrong").status_code == 200

    locked = sign_in(client, fact_checker.username, "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed sign-ins" in page
    assert "ask a desk administrator to unlock it" in page.lower()

    # Locked means locked: even the right password is refused now.
    assert sign_in(client, fact_checker.username, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lock_on_one_username_does_not_lock_out_colleagues(client, fact_checker, second_fact_checker):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, fact_checker.username, "wrong")
    response = sign_in(Client(), second_fact_checker.username, PASSWORD)
    assert response.status_code == 302


def test_an_admin_unlocks_a_locked_account_in_the_admin(client, fact_checker):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, fact_checker.username, "wrong")
    assert sign_in(client, fact_checker.username, PASSWORD).status_code == 429

    admin = Client()
    admin.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    attempt = AccessAttempt.objects.get(username=fact_checker.username)
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert fact_checker.username in listing.content.decode()
    admin.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

    assert sign_in(client, fact_checker.username, PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client, fact_checker):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, fact_checker.username, "wrong")
    assert sign_in(client, fact_checker.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert sign_in(client, fact_checker.username, "wrong").status_code == 200  # counting starts again


def test_a_failed_sign_in_is_logged_without_the_password(client, fact_checker, desk_log):
    sign_in(client, fact_checker.username, "hunter2-wrong")
    [line] = [entry for entry in desk_log() if entry["event"] == "login.failed"]
    assert line["username"] == fact_checker.username
    assert line["ip"] == "203.0.113.7"
    assert line["level"] == "WARNING"
    assert "hunter2" not in json.dumps(line)


def test_behind_our_proxy_the_address_comes_from_forwarded_for_and_cannot_be_forged(rf, settings):
    from newsdesk.security import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote 6.6.6.6 itself; our proxy appended the address it really saw.
    assert client_ip(request) == "198.51.100.4"


# --- Headers ---------------------------------------------------------------------------------------


def test_pages_carry_a_content_security_policy_without_inline_code_or_eval(fact_checker_client):
    policy = fact_checker_client.get(reverse("claims:list"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in policy


def test_security_headers(fact_checker_client):
    response = fact_checker_client.get(reverse("claims:list"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_htmx_is_configured_to_need_no_eval_or_inline_styles(fact_checker_client):
    page = fact_checker_client.get(reverse("claims:list")).content.decode()
    config_start = page.index('name="htmx-config" content=\'') + len('name="htmx-config" content=\'')
    config = json.loads(page[config_start : page.index("'>", config_start)])
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    assert config["includeIndicatorStyles"] is False
    assert "<script>" not in page and " style=" not in page


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


# --- Error pages -----------------------------------------------------------------------------------


def test_not_found_page_is_the_desks_own_and_echoes_nothing(fact_checker_client, settings):
    settings.DEBUG = False
    response = fact_checker_client.get("/claims/no-such-thing-zq7/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "There is nothing at this address" in page
    assert "zq7" not in page
    assert "Page not found" not in page  # Django's own page would say this


def test_forbidden_page_shows_the_desks_refusal(client, settings, outsider):
    settings.DEBUG = False
    client.force_login(outsider)
    response = client.get(reverse("claims:list"))
    assert response.status_code == 403
    assert "Your account has no role on this desk" in response.content.decode()


def test_fact_checker_approving_gets_the_403_page_with_the_reason(fact_checker_client, settings):
    settings.DEBUG = False
    review = ReviewFactory(proposed_status=Status.DISPUTED)
    response = fact_checker_client.post(reverse("claims:approve", args=[review.pk]))
    assert response.status_code == 403
    assert "Only editors approve or return proposals." in response.content.decode()
    review.refresh_from_db()
    assert review.decision == Decision.PENDING


def test_a_form_without_its_csrf_token_gets_a_plain_explanation(settings):
    settings.DEBUG = False
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "a", "password": "b"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "This form could not be accepted" in page
    assert "CSRF verification failed" not in page  # Django's own wording


def _explode(request):
    raise RuntimeError("database password is swordfish")


urlpatterns = [path("explode/", _explode)]
handler500 = "django.views.defaults.server_error"


def test_server_error_page_leaks_nothing(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/explode/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "swordfish" not in page and "Traceback" not in page and "RuntimeError" not in page


# --- Decision log ----------------------------------------------------------------------------------


def test_every_decision_is_logged_as_json_once_committed(
    editor_client, fact_checker, desk_log, django_capture_on_commit_callbacks, editor
):
    claim = ClaimFactory()
    EvidenceFactory(claim=claim)
    review = ReviewFactory(claim=claim, proposed_by=fact_checker, proposed_status=Status.CORROBORATED)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("claims:approve", args=[review.pk]))

    [line] = [entry for entry in desk_log() if entry["event"] == "review.approved"]
    assert line["review"] == review.pk
    assert line["claim"] == claim.pk
    assert line["to_status"] == Status.CORROBORATED
    assert line["user"] == editor.username
    assert line["logger"] == "newsdesk.decisions" and line["time"]


def test_a_refused_decision_is_not_logged_as_made(
    editor_client, fact_checker, desk_log, django_capture_on_commit_callbacks
):
    review = ReviewFactory(proposed_by=fact_checker, proposed_status=Status.CONFIRMED)  # no evidence: the gate refuses
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = editor_client.post(reverse("claims:approve", args=[review.pk]))
    assert response.status_code == 409
    assert callbacks == []
    assert [entry for entry in desk_log() if entry["event"] == "review.approved"] == []
