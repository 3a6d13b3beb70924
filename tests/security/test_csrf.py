"""Every write the desk offers refuses a request without its CSRF token: 403, and nothing written.

Cases: each action with four forgeries, and each action once with the page's own token, which must go
through (the control that shows the 403s come from the token and nothing else); plus signing in
and signing out with the four forgeries. A browser that checks tokens like a real one is
Client(enforce_csrf_checks=True).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import resolve, reverse

from tests.security.battery import ACTIONS, count_case, desk_actions, nothing_written, something_written

pytestmark = pytest.mark.django_db

FORGERIES = ["no token", "a made-up token", "another browser's token", "a made-up header"]
# Well-formed (64 letters and digits, like a masked token) but never issued.
MADE_UP_TOKEN = "f0rg3d" * 10 + "f0rg"


def own_token(browser: Client) -> str:
    """Open a page as a person would, which sets the CSRF cookie, and read it."""
    browser.get(reverse("login"))
    return browser.cookies["csrftoken"].value


def forged_post(browser: Client, url: str, data: dict, forgery: str):
    own_token(browser)
    headers = {}
    if forgery == "a made-up token":
        data = {**data, "csrfmiddlewaretoken": MADE_UP_TOKEN}
    elif forgery == "another browser's token":
        data = {**data, "csrfmiddlewaretoken": own_token(Client())}
    elif forgery == "a made-up header":
        headers = {"X-CSRFToken": MADE_UP_TOKEN, "HX-Request": "true"}
    return browser.post(url, data, headers=headers)


def test_every_write_the_desk_offers_is_in_the_battery(battery_desk):
    """Every claims and captures URL that accepts POST has an action here, so a new form cannot be missed."""
    count_case()
    from captures.urls import urlpatterns as capture_patterns
    from claims.urls import urlpatterns as claim_patterns

    covered = {resolve(action.url).view_name for action in desk_actions(battery_desk).values()}
    patterns = [("claims", pattern) for pattern in claim_patterns] + [("captures", p) for p in capture_patterns]
    for namespace, pattern in patterns:
        kwargs = {name: 1 for name in pattern.pattern.converters} or {
            name: {"week": "2024-W20", "fmt": "csv"}[name] for name in pattern.pattern.regex.groupindex
        }
        name = f"{namespace}:{pattern.name}"
        response = Client().put(reverse(name, kwargs=kwargs))
        assert response.status_code == 405, name
        if "POST" in response["Allow"]:
            assert name in covered, f"{name} accepts POST but no action of the battery uses it"


@pytest.mark.parametrize("forgery", FORGERIES)
@pytest.mark.parametrize("action_name", ACTIONS)
def test_a_write_without_its_token_is_refused(battery_desk, action_name, forgery):
    count_case()
    action = desk_actions(battery_desk)[action_name]
    browser = battery_desk.new_client(action.actor, enforce_csrf_checks=True)
    with nothing_written():
        response = forged_post(browser, action.url, action.data, forgery)
    assert response.status_code == 403


@pytest.mark.parametrize("action_name", ACTIONS)
def test_the_same_write_with_its_token_goes_through(battery_desk, action_name):
    count_case()
    action = desk_actions(battery_desk)[action_name]
    browser = battery_desk.new_client(action.actor, enforce_csrf_checks=True)
    token = own_token(browser)
    with something_written():
        response = browser.post(action.url, {**action.data, "csrfmiddlewaretoken": token})
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("forgery", FORGERIES)
def test_signing_in_without_the_token_is_refused(battery_desk, forgery):
    count_case()
    browser = Client(enforce_csrf_checks=True)
    with nothing_written():
        response = forged_post(
            browser, reverse("login"), {"username": battery_desk.fact_checker.username, "password": "x"}, forgery
        )
    assert response.status_code == 403
    assert "_auth_user_id" not in browser.session


@pytest.mark.parametrize("forgery", FORGERIES)
def test_signing_out_without_the_token_is_refused(battery_desk, forgery):
    """A page elsewhere cannot sign a desk member out."""
    count_case()
    browser = battery_desk.new_client("fact_checker", enforce_csrf_checks=True)
    with nothing_written():
        response = forged_post(browser, reverse("logout"), {}, forgery)
    assert response.status_code == 403
    assert browser.get(reverse("claims:dashboard")).status_code == 200
