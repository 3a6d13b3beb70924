from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, ClaimFactory, EvidenceFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_fact_checker_signs_in_and_opens_a_claim(live_server, page, fact_checker):
    claim = ClaimFactory(text="Russian air defences shot down 10 ATACMS missiles over Crimea.")
    EvidenceFactory(claim=claim, source__title="Wire report on the Crimea strike")

    page.goto(f"{live_server.url}/claims/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/claims/"))
    page.get_by_label("Username").fill(fact_checker.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Claims")).to_be_visible()
    page.get_by_role("link", name=claim.text).click()

    expect(page.get_by_role("heading", name=claim.text)).to_be_visible()
    expect(page.get_by_text("1 corroborating (1 independent) · 0 contradicting")).to_be_visible()
    expect(page.get_by_role("link", name="Wire report on the Crimea strike")).to_be_visible()


def test_wrong_password_keeps_the_person_on_the_login_page(live_server, page, fact_checker):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(fact_checker.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
