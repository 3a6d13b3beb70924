"""Every page at a phone's width and a desk's: nothing wider than the screen, and no serious or
critical accessibility problem as axe-core finds them (docs/architecture.md, "Every screen").

The demo desk (manage.py load_demo) is what the pages show: decided and pending claims, evidence,
sources, a queue, a week's report.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from claims.models import Claim, Review, Source, Status
from claims.roles import EDITORS, FACT_CHECKERS
from tests.factories import ClaimFactory, role_group
from tests.test_intake_page import STORY as INTAKE_STORY
from webhooks.models import Endpoint

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": (390, 844), "desk": (1366, 768)}
SERIOUS = ("serious", "critical")


@pytest.fixture
def demo_desk():
    for role in (FACT_CHECKERS, EDITORS):
        role_group(role)  # an earlier browser test's flush took the roles' groups with it
    with override_settings(DEBUG=True):  # load_demo refuses to run without it (its passwords are published)
        call_command("load_demo", stdout=None)
    decided = Claim.objects.exclude(status=Status.UNVERIFIED).order_by("pk").first()
    pending = Review.objects.pending().order_by("pk").first().claim
    endpoint = Endpoint.objects.create(
        url="https://hooks.example.org/newsdesk", description="Newsroom CMS", events=["claim.logged"]
    )
    return {
        "dashboard": "/",
        "claims list, searched": "/claims/?q=Robotyne",
        "claims list, nothing found": "/claims/?q=Работино",  # offers "Did you mean robotyne?"
        "log a claim": "/claims/new/",
        "intake": "/intake/",
        "claim page, decided": f"/claims/{decided.pk}/",
        "claim page, pending": f"/claims/{pending.pk}/",
        "edit a claim": f"/claims/{pending.pk}/edit/",
        "claimants": "/claimants/",
        "claimant": f"/claimants/{decided.claimant_id}/",
        "sources": "/sources/",
        "source": f"/sources/{Source.objects.order_by('pk').first().pk}/",
        "outlets": "/outlets/",
        "review queue": "/review/",
        "weekly report": f"/reports/weekly/{_week_of(decided)}/",
        "import": "/claims/import/",
        "audit history": f"/claims/{decided.pk}/history/",
        "inbox": "/inbox/",
        "API tokens": "/settings/tokens/",
        "webhooks": "/webhooks/",
        "webhook endpoint": f"/webhooks/{endpoint.pk}/",
    }


def _week_of(claim: Claim) -> str:
    decided_at = claim.reviews.filter(decision="approved").order_by("-decided_at").first().decided_at
    year, week, _ = decided_at.isocalendar()
    return f"{year}-W{week:02d}"


def _problems(page) -> list[str]:
    """What is wrong with the page as shown: overflow past the screen, serious or critical axe findings."""
    found = []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        found.append(f"{overflow} px wider than the screen")
    results = Axe().run(page)
    for violation in results.response["violations"]:
        if violation["impact"] in SERIOUS:
            targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
            found.append(f"axe {violation['impact']} {violation['id']} ({len(violation['nodes'])}×: {targets})")
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_screen_and_passes_axe(page, live_server, demo_desk, width):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    page.goto(f"{live_server.url}/accounts/login/")
    assert not _problems(page), "the sign-in page"
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("editor-demo-2024")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    table = {}
    for name, path in demo_desk.items():
        response = page.goto(f"{live_server.url}{path}", wait_until="load")
        assert response.status == 200, f"{name}: {path} answered {response.status}"
        table[name] = _problems(page)
    report = "\n".join(f"{width} · {name}: {'; '.join(found) or 'ok'}" for name, found in table.items())
    assert all(not found for found in table.values()), report  # the table of pages at this width


@pytest.mark.parametrize("width", WIDTHS)
def test_the_intake_page_with_candidates_fits_the_screen_and_passes_axe(page, live_server, demo_desk, width):
    """The interesting state of /intake/ is after a POST: a story's candidates beside it, driven as a person does."""
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("factchecker")
    page.get_by_label("Password").fill("factcheck-demo-2024")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="Intake").click()
    page.get_by_label("Story text").fill(INTAKE_STORY)
    page.get_by_label("Published on").fill("2024-05-15")
    page.get_by_role("button", name="Find claims").click()
    expect(page.get_by_role("heading", name="Candidate 1")).to_be_visible()
    assert not _problems(page), f"{width} · intake with candidates: {'; '.join(_problems(page))}"
    logged = Claim.objects.count()
    page.get_by_label("Story address").fill("https://www.dpa.com/en/intake-e2e-story")
    page.get_by_role("button", name="Log ticked claims").click()
    expect(page.get_by_text("from the story; the story is linked to each claim as context.")).to_be_visible()
    assert Claim.objects.count() > logged


def test_on_a_phone_the_lists_other_filters_start_folded_unless_one_is_set(page, live_server, sign_in, fact_checker):
    ClaimFactory(text="Russian troops have fully taken the village of Robotyne.")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, fact_checker)
    page.goto(f"{live_server.url}/claims/")
    expect(page.get_by_label("Tag")).to_be_hidden()
    expect(page.get_by_text("village of Robotyne")).to_be_in_viewport()  # results on the first screen
    page.get_by_text("More filters").click()
    expect(page.get_by_label("Tag")).to_be_visible()
    page.goto(f"{live_server.url}/claims/?priority=2")
    expect(page.get_by_label("Priority")).to_be_visible()  # a filter in use is never hidden
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/claims/")
    expect(page.get_by_label("Tag")).to_be_visible()
    expect(page.get_by_text("More filters")).to_be_hidden()
