"""Who may do what, tried from the wrong side: a fact-checker at an editor's actions, a signed-in
account with no role and an anonymous browser at every action and page, and people at each other's
objects. Each refusal is a 403, a 404 or the way to the login page, and writes nothing.

Cases, one per parametrised test: the editors' actions and pages for a fact-checker; every action
and page (ACTIONS, PAGES) for an account with no role and for an anonymous browser (its htmx
requests too); the ownership cases; MISSING_TARGETS for a fact-checker and for an editor.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from claims.models import Claim, Decision
from tests.factories import claim_form_data
from tests.security.battery import (
    ACTIONS,
    EDITOR_ONLY_ACTIONS,
    count_case,
    desk_actions,
    nothing_written,
    something_written,
)

pytestmark = pytest.mark.django_db

# Every page of the desk, as (URL name, arguments), the arguments named after the desk's objects.
PAGES = [
    ("claims:dashboard", ()),
    ("claims:list", ()),
    ("claims:create", ()),
    ("claims:export", ()),
    ("claims:import", ()),
    ("claims:similar", ()),
    ("claims:detail", ("claim",)),
    ("claims:edit", ("claim",)),
    ("claims:claim_history", ("claim",)),
    ("claims:queue", ()),
    ("claims:queue_updates", ()),
    ("claims:queue_count", ()),
    ("claims:report_current", ()),
    ("claims:report", ("week",)),
    ("claims:report_export", ("week", "csv")),
    ("claims:report_export", ("week", "json")),
    ("claims:report_export", ("week", "jsonld")),
    ("claims:report_export", ("week", "pdf")),
    ("claims:claimants", ()),
    ("claims:claimant_suggest", ()),
    ("claims:claimant", ("claimant",)),
    ("claims:sources", ()),
    ("claims:source", ("source",)),
    ("claims:source_history", ("source",)),
    ("claims:outlets", ()),
]


def page_url(battery_desk, name: str, arguments: tuple) -> str:
    values = {
        "claim": battery_desk.claim.pk,
        "claimant": battery_desk.claim.claimant_id,
        "source": battery_desk.evidence.source_id,
        "week": "2024-W20",
        "csv": "csv",
        "json": "json",
        "jsonld": "jsonld",
        "pdf": "pdf",
    }
    return reverse(name, args=[values[argument] for argument in arguments])


def page_id(page) -> str:
    return "/".join([page[0].removeprefix("claims:"), *page[1]])


def sent_to_login(response, url: str) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("action_name", EDITOR_ONLY_ACTIONS)
def test_fact_checkers_cannot_take_editors_actions(battery_desk, action_name):
    count_case()
    action = desk_actions(battery_desk)[action_name]
    browser = battery_desk.client("fact_checker")
    with nothing_written():
        response = browser.post(action.url, action.data)
    assert response.status_code == 403


@pytest.mark.parametrize(
    "page_name", [("claims:import", ()), ("claims:claim_history", ("claim",)), ("claims:source_history", ("source",))]
)
def test_fact_checkers_cannot_open_editors_pages(battery_desk, page_name):
    count_case()
    assert battery_desk.client("fact_checker").get(page_url(battery_desk, *page_name)).status_code == 403


@pytest.mark.parametrize("action_name", ACTIONS)
def test_an_account_without_a_role_can_do_nothing(battery_desk, action_name):
    count_case()
    action = desk_actions(battery_desk)[action_name]
    browser = battery_desk.client("outsider")
    with nothing_written():
        response = browser.post(action.url, action.data)
    assert response.status_code == 403


@pytest.mark.parametrize("page_name", PAGES, ids=page_id)
def test_an_account_without_a_role_sees_no_page(battery_desk, page_name):
    count_case()
    browser = battery_desk.client("outsider")
    with nothing_written():
        response = browser.get(page_url(battery_desk, *page_name))
    assert response.status_code == 403
    assert battery_desk.claim.text not in response.content.decode()


@pytest.mark.parametrize("action_name", ACTIONS)
def test_anonymous_writes_are_sent_to_sign_in(battery_desk, action_name):
    count_case()
    action = desk_actions(battery_desk)[action_name]
    browser = battery_desk.client("anonymous")
    with nothing_written():
        response = browser.post(action.url, action.data)
    assert sent_to_login(response, action.url)


@pytest.mark.parametrize("action_name", ACTIONS)
def test_anonymous_htmx_writes_send_the_browser_to_sign_in(battery_desk, action_name):
    count_case()
    action = desk_actions(battery_desk)[action_name]
    browser = battery_desk.client("anonymous")
    with nothing_written():
        response = browser.post(action.url, action.data, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response["HX-Redirect"].startswith(reverse("login") + "?next=")
    assert response.content == b""


@pytest.mark.parametrize("page_name", PAGES, ids=page_id)
def test_anonymous_pages_are_sent_to_sign_in(battery_desk, page_name):
    count_case()
    url = page_url(battery_desk, *page_name)
    browser = battery_desk.client("anonymous")
    with nothing_written():
        response = browser.get(url)
    assert sent_to_login(response, url)


# --- Other people's objects ---------------------------------------------------------------------


def test_nobody_withdraws_another_fact_checkers_proposal(battery_desk):
    count_case()
    browser = battery_desk.client("fact_checker")
    with nothing_written():
        response = browser.post(reverse("claims:withdraw", args=[battery_desk.others_review.pk]))
    assert response.status_code == 403


def test_an_editor_cannot_withdraw_a_fact_checkers_proposal(battery_desk):
    count_case()
    browser = battery_desk.client("editor")
    with nothing_written():
        response = browser.post(reverse("claims:withdraw", args=[battery_desk.review.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("decision", ["approve", "return"])
def test_an_editor_does_not_decide_their_own_proposal(battery_desk, decision):
    count_case()
    browser = battery_desk.client("editor")
    with nothing_written():
        response = browser.post(
            reverse(f"claims:{decision}", args=[battery_desk.editors_review.pk]), {"note": "Fine by me."}
        )
    assert response.status_code == 403


@pytest.mark.parametrize("decision", ["approve", "return", "withdraw"])
def test_a_decided_proposal_cannot_be_decided_again(battery_desk, decision):
    count_case()
    battery_desk.client("second_editor").post(reverse("claims:approve", args=[battery_desk.editors_review.pk]))
    battery_desk.editors_review.refresh_from_db()
    assert battery_desk.editors_review.decision == Decision.APPROVED
    who = "editor" if decision == "withdraw" else "second_editor"
    browser = battery_desk.client(who)
    with nothing_written():
        response = browser.post(
            reverse(f"claims:{decision}", args=[battery_desk.editors_review.pk]), {"note": "Again."}
        )
    assert response.status_code == 409


def test_a_fact_checker_cannot_take_a_claim_someone_has(battery_desk):
    count_case()
    browser = battery_desk.client("fact_checker")
    with nothing_written():
        response = browser.post(
            reverse("claims:assign"),
            {"claims": battery_desk.taken_claim.pk, "assignee": battery_desk.fact_checker.username},
        )
    assert response.status_code == 302
    assert "already taken" in " ".join(str(message) for message in get_messages(response.wsgi_request))


def test_evidence_is_removed_only_through_its_own_claim(battery_desk):
    count_case()
    browser = battery_desk.client("fact_checker")
    with nothing_written():
        response = browser.post(
            reverse("claims:evidence_remove", args=[battery_desk.open_claim.pk, battery_desk.evidence.pk])
        )
    assert response.status_code == 404


def test_a_fact_checkers_edit_cannot_assign(battery_desk):
    """The edit form has no assignee field for fact-checkers; one added by hand is ignored."""
    count_case()
    claim = battery_desk.open_claim
    browser = battery_desk.client("fact_checker")
    with something_written():
        response = browser.post(
            reverse("claims:edit", args=[claim.pk]),
            claim_form_data(
                text="Shelling hit Vovchansk.",
                claimant_name=claim.claimant.name,
                version=claim.version,
                assignee=battery_desk.second_fact_checker.pk,
            ),
        )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.text == "Shelling hit Vovchansk." and claim.assignee is None


def test_fields_the_forms_do_not_offer_are_ignored(battery_desk):
    """Status, authorship and version come from the desk, never from the request."""
    count_case()
    response = battery_desk.client("fact_checker").post(
        reverse("claims:create"),
        claim_form_data(
            text="A bridge over the Dnipro was destroyed.",
            claimant_name="A spokesman",
            status="confirmed",
            created_by=battery_desk.editor.pk,
            updated_by=battery_desk.editor.pk,
            version="41",
            created_at="2000-01-01T00:00:00Z",
        ),
    )
    assert response.status_code == 302
    claim = Claim.objects.get(text="A bridge over the Dnipro was destroyed.")
    assert (claim.status, claim.created_by, claim.updated_by, claim.version) == (
        "unverified",
        battery_desk.fact_checker,
        battery_desk.fact_checker,
        1,
    )
    assert claim.created_at.date() > dt.date(2000, 1, 1)


# --- Ids that do not exist ----------------------------------------------------------------------

EDITORS_FIRST = {
    "claims:claimant_update",
    "claims:outlet_update",
    "claims:affiliation_update",
    "claims:claim_history",
    "claims:source_history",
}
MISSING = 2_147_483_000  # within PostgreSQL's integer range, beyond any row here
# (method, URL name, arguments): "missing" stands for an id that does not exist.
MISSING_TARGETS = [
    ("get", "claims:detail", ("missing",)),
    ("get", "claims:edit", ("missing",)),
    ("post", "claims:edit", ("missing",)),
    ("post", "claims:evidence_add", ("missing",)),
    ("post", "claims:evidence_remove", ("missing", "evidence")),
    ("post", "claims:evidence_remove", ("claim", "missing")),
    ("post", "claims:propose", ("missing",)),
    ("post", "claims:approve", ("missing",)),
    ("post", "claims:return", ("missing",)),
    ("post", "claims:withdraw", ("missing",)),
    ("get", "claims:claimant", ("missing",)),
    ("post", "claims:claimant_update", ("missing",)),
    ("get", "claims:source", ("missing",)),
    ("post", "claims:outlet_update", ("missing",)),
    ("post", "claims:affiliation_update", ("missing",)),
    ("get", "claims:claim_history", ("missing",)),
    ("get", "claims:source_history", ("missing",)),
    ("get", "claims:detail", ("huge",)),
    ("post", "claims:approve", ("huge",)),
]


@pytest.mark.parametrize("target", MISSING_TARGETS, ids=lambda target: f"{target[0]}-{target[1]}-{'/'.join(target[2])}")
@pytest.mark.parametrize("who", ["fact_checker", "editor"])
def test_ids_that_do_not_exist_are_a_404(battery_desk, who, target):
    count_case()
    method, name, arguments = target
    values = {"missing": MISSING, "huge": 10**30, "claim": battery_desk.claim.pk, "evidence": battery_desk.evidence.pk}
    url = reverse(name, args=[values[argument] for argument in arguments])
    data = {"note": "x", "name": "x", **claim_form_data(text="x", claimant_name="x")}
    browser = battery_desk.client(who)
    with nothing_written():
        response = getattr(browser, method)(url, data if method == "post" else {})
    # Editors' actions answer a fact-checker 403 before looking the id up (existence is not told).
    assert response.status_code == (403 if who == "fact_checker" and name in EDITORS_FIRST else 404)
