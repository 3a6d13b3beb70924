"""Real-browser tests: pytest-playwright drives the system's headless Chromium against live_server.

Playwright's own browser download is not used: the fixtures below point it at the system Chromium
(`make test` provides one) and fail loudly when there is none.
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from captures import browser as capture_browser
from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run in
# a thread with a running loop unless told that this is deliberate. Only the tests do this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_path() -> str:
    """The system Chromium, found as the capture worker finds it (captures/browser.py: CHROMIUM, then PATH)."""
    found = capture_browser.chromium_path()
    if found is None:
        pytest.fail("No Chromium found for the browser tests: run `make chromium` or set CHROMIUM=/path/to/chrome.")
    return found


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": chromium_path(), "args": capture_browser.CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture(autouse=True)
def _patient_page(page):
    page.set_default_timeout(10_000)


@pytest.fixture(autouse=True)
def _no_content_security_policy_violations(page):
    """Every browser test also proves the pages and htmx work under the Content-Security-Policy:
    Chromium reports each blocked script, style or eval on the console."""
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    yield
    assert violations == []


@pytest.fixture
def sign_in(live_server):
    """Sign a person in through the login form, as they would: `sign_in(page, fact_checker)`. The
    page lands on the dashboard."""

    def sign_in(page, user) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    return sign_in
