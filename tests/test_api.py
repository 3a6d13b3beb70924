"""The JSON API, /api/v1/ (api/, docs/api.md): tokens, reads, writes through the workflow, and errors
that are always JSON."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from api.models import ApiToken
from claims.models import Claim, ClaimEvent, Decision, Evidence, Review, Stance, Status
from tests.factories import (
    AffiliationFactory,
    ClaimantFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    ReviewFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


class Api:
    """A program calling the API with one person's token."""

    def __init__(self, user):
        self.user = user
        self.token = ApiToken.objects.issue(user=user, name="tests")[1]
        self.client = Client()

    def _headers(self):
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path, params=None):
        return self.client.get(API + path, params or {}, headers=self._headers())

    def post(self, path, body=None):
        return self.client.post(API + path, body or {}, content_type="application/json", headers=self._headers())


@pytest.fixture
def checker_api(fact_checker):
    return Api(fact_checker)


@pytest.fixture
def editor_api(editor):
    return Api(editor)


def independent_corroboration(claim):
    """Evidence from an outlet of another side than the claimant's: the corroborated gate is met."""
    claim.claimant.affiliation = AffiliationFactory(name="Russian government")
    claim.claimant.save()
    outlet = OutletFactory(affiliation=AffiliationFactory(name="Independent media"))
    return EvidenceFactory(claim=claim, source=SourceFactory(outlet=outlet), stance=Stance.CORROBORATES)


# --- Tokens ------------------------------------------------------------------------------------------


def test_a_token_is_stored_only_as_its_hash_and_acts_as_its_person(checker_api, fact_checker):
    stored = ApiToken.objects.get()
    assert checker_api.token.startswith("nd_") and checker_api.token not in (stored.digest, stored.shown)
    assert checker_api.token.startswith(stored.shown)
    response = checker_api.get("/claims")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer nd_wrong", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 5000, "Bearer nd_\x00"],
)
def test_a_missing_or_wrong_token_is_a_401_in_json(fact_checker, authorization):
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = Client().get(f"{API}/claims", headers=headers)
    assert response.status_code == 401
    assert set(response.json()) == {"error", "detail"}


def test_a_revoked_token_is_refused(checker_api):
    ApiToken.objects.get().revoke()
    response = checker_api.get("/claims")
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_a_token_of_someone_without_a_role_is_a_403(outsider):
    response = Api(outsider).get("/claims")
    assert response.status_code == 403 and "no role on the desk" in response.json()["detail"]


def test_a_role_taken_away_counts_at_the_next_request(checker_api, fact_checker):
    assert checker_api.get("/claims").status_code == 200
    fact_checker.groups.clear()
    assert checker_api.get("/claims").status_code == 403


def test_the_rate_limit_answers_429_with_retry_after(settings, checker_api):
    settings.API_RATE_LIMIT = 3
    assert [checker_api.get("/claims").status_code for _ in range(3)] == [200, 200, 200]
    refused = checker_api.get("/claims")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= settings.API_RATE_WINDOW_SECONDS
    assert refused.json()["error"] == "rate limited"


def test_the_rate_limit_is_per_token(settings, fact_checker):
    settings.API_RATE_LIMIT = 1
    first, second = Api(fact_checker), Api(fact_checker)
    assert first.get("/claims").status_code == 200
    assert first.get("/claims").status_code == 429
    assert second.get("/claims").status_code == 200


def test_the_command_prints_a_working_token_once(fact_checker):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", fact_checker.username, name="Newsroom CMS", stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert "shown only now" in err.getvalue()
    response = Client().get(f"{API}/claims", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert ApiToken.objects.get().name == "Newsroom CMS"


@pytest.mark.parametrize("username", ["nobody-here"])
def test_the_command_refuses_an_unknown_person_or_one_without_a_role(outsider, username):
    with pytest.raises(CommandError, match="No user"):
        call_command("create_api_token", username, name="x")
    with pytest.raises(CommandError, match="not on the desk"):
        call_command("create_api_token", outsider.username, name="x")


def test_people_make_and_revoke_their_own_tokens_on_the_settings_page(fact_checker_client, fact_checker, editor):
    page = fact_checker_client.post("/settings/tokens/", {"name": "Spreadsheet <script>"}, follow=True)
    text = page.content.decode()
    token = ApiToken.objects.get()
    assert page.status_code == 200 and "Copy it now" in text and "Spreadsheet &lt;script&gt;" in text
    reloaded = fact_checker_client.get("/settings/tokens/").content.decode()
    assert "Copy it now" not in reloaded and ApiToken.objects.count() == 1  # shown once, made once
    assert token.user == fact_checker
    # Someone else's token: not found, and not revoked.
    others = ApiToken.objects.issue(user=editor, name="editor's")[0]
    assert fact_checker_client.post(f"/settings/tokens/{others.pk}/revoke/").status_code == 404
    assert fact_checker_client.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at and not ApiToken.objects.get(pk=others.pk).revoked_at
    listed = fact_checker_client.get("/settings/tokens/").content.decode()
    assert "editor&#x27;s" not in listed and "revoked" in listed


def test_a_token_needs_a_name(fact_checker_client):
    response = fact_checker_client.post("/settings/tokens/", {"name": "   "})
    assert response.status_code == 422 and 'class="field-error"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_tokens_page_is_for_desk_members(client, outsider):
    assert client.get("/settings/tokens/").status_code == 302  # to sign in
    client.force_login(outsider)
    assert client.get("/settings/tokens/").status_code == 403


# --- Reading -----------------------------------------------------------------------------------------


def test_the_claims_list_filters_and_pages_by_cursor(checker_api):
    claimant = ClaimantFactory(name="Russian Ministry of Defence", aliases=["MoD"])
    for number in range(5):
        ClaimFactory(text=f"Drones number {number} were shot down over Belgorod.", claimant=claimant)
    ClaimFactory(text="Units moved to more advantageous positions near Vovchansk.", status=Status.DISPUTED)
    first = checker_api.get("/claims", {"claimant": "MoD", "limit": 3}).json()
    assert [claim["text"][:15] for claim in first["claims"]] == [
        "Drones number 4",
        "Drones number 3",
        "Drones number 2",
    ]
    second = checker_api.get("/claims", {"claimant": "MoD", "limit": 3, "cursor": first["next_cursor"]}).json()
    assert [claim["text"][14:15] for claim in second["claims"]] == ["1", "0"]
    assert second["next_cursor"] is None
    assert [c["text"][:5] for c in checker_api.get("/claims", {"status": "disputed"}).json()["claims"]] == ["Units"]
    searched = checker_api.get("/claims", {"q": "Вовчанськ"}).json()["claims"]  # any script
    assert [claim["status"] for claim in searched] == ["disputed"]
    claim = first["claims"][0]
    assert claim["claimant"]["name"] == "Russian Ministry of Defence" and claim["priority"] == "normal"
    assert claim["evidence"] == {"corroborating": 0, "independent": 0, "contradicting": 0, "context": 0}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "rumour"}, "status"),
        ({"claimant": "Nobody Known"}, "claimant"),
        ({"claimed_from": "yesterday"}, "claimed_from"),
        ({"sort": "random"}, "sort"),
        ({"limit": "0"}, "limit"),
        ({"limit": "many"}, "limit"),
    ],
)
def test_a_refused_filter_is_a_422_naming_the_field(checker_api, params, field):
    response = checker_api.get("/claims", params)
    assert response.status_code == 422
    assert field in [problem["field"].split(".")[0] for problem in response.json()["detail"]]


@pytest.mark.parametrize("cursor", ["%%%", "W10", "x" * 1000])
def test_a_forged_cursor_starts_from_the_top(checker_api, cursor):
    ClaimFactory()
    response = checker_api.get("/claims", {"cursor": cursor})
    assert response.status_code == 200 and len(response.json()["claims"]) == 1


def test_the_list_costs_the_same_queries_for_more_rows(checker_api, django_assert_max_num_queries):
    for _ in range(3):
        EvidenceFactory(claim=ClaimFactory())
    with django_assert_max_num_queries(6):
        assert len(checker_api.get("/claims").json()["claims"]) == 3
    for _ in range(20):
        EvidenceFactory(claim=ClaimFactory())
    with django_assert_max_num_queries(6):
        assert len(checker_api.get("/claims").json()["claims"]) == 23


def test_one_claim_has_its_evidence_appearances_and_reviews(checker_api, fact_checker):
    claim = ClaimFactory(text="Ten ATACMS missiles were shot down over Crimea.")
    independent = independent_corroboration(claim)
    EvidenceFactory(claim=claim, stance=Stance.CONTRADICTS)
    ReviewFactory(claim=claim, proposed_by=fact_checker)
    data = checker_api.get(f"/claims/{claim.pk}").json()
    assert data["text"] == claim.text and data["in_review"] is True
    links = {link["id"]: link for link in data["evidence_links"]}
    assert links[independent.pk]["independent"] is True and links[independent.pk]["stance"] == "corroborates"
    assert data["evidence"]["independent"] == 1 and data["evidence"]["contradicting"] == 1
    assert [review["decision"] for review in data["reviews"]] == ["pending"]
    assert data["appearances"] == [] and data["url"].endswith(f"/claims/{claim.pk}/")


def test_an_unknown_claim_or_address_is_a_404_in_json(checker_api):
    for path in ("/claims/999999", "/no-such-thing", "/claims/abc"):
        response = checker_api.get(path)
        assert response.status_code == 404, path
        assert set(response.json()) == {"error", "detail"}


def test_a_method_an_address_does_not_take_is_a_405_in_json(checker_api):
    response = checker_api.client.delete(f"{API}/claims", headers=checker_api._headers())
    assert response.status_code == 405 and response.json()["error"] == "method not allowed"


def test_claimants_come_with_their_track_records_and_sources_with_their_outlets(checker_api):
    claimant = ClaimantFactory(name="Russian Ministry of Defence", aliases=["MoD"])
    ClaimFactory(claimant=claimant, status=Status.FALSE)
    ClaimFactory(claimant=claimant, status=Status.CONFIRMED)
    EvidenceFactory(source=SourceFactory(url="https://www.reuters.com/world/a", outlet=OutletFactory(name="Reuters")))
    claimants = checker_api.get("/claimants").json()["claimants"]
    ministry = next(c for c in claimants if c["name"] == "Russian Ministry of Defence")
    assert ministry["aliases"] == ["MoD"]
    assert ministry["track_record"] == {"claims": 2, "confirmed": 1, "false_or_misleading": 1, "repeated": 0}
    assert checker_api.get(f"/claimants/{claimant.pk}").json()["name"] == "Russian Ministry of Defence"
    sources = checker_api.get("/sources").json()["sources"]
    assert [(s["url"], s["outlet"]) for s in sources] == [("https://www.reuters.com/world/a", "Reuters")]


def test_the_weekly_report_is_the_same_document_as_its_json_file(checker_api, fact_checker_client, decided_claim):
    decided_claim(
        "Robotyne was taken",
        logged=dt.datetime(2024, 5, 15, 10, tzinfo=dt.UTC),
        decided=dt.datetime(2024, 5, 16, 9, tzinfo=dt.UTC),
    )
    from_api = checker_api.get("/reports/weekly/2024-W20")
    from_file = fact_checker_client.get("/reports/weekly/2024-W20.json")
    assert from_api.status_code == 200 and from_api.content == from_file.content
    assert checker_api.get("/reports/weekly/2024-W99").status_code == 404


# --- Writing -----------------------------------------------------------------------------------------

NEW_CLAIM = {
    "text": "Russian air defences shot down 17 drones over Belgorod.",
    "claimant": "Russian Ministry of Defence",
    "claimed_on": "2024-05-15",
}


def test_a_claim_is_logged_through_the_workflow_with_its_audit_history(checker_api, fact_checker):
    response = checker_api.post("/claims", {**NEW_CLAIM, "tags": ["Belgorod"], "priority": "high"})
    assert response.status_code == 201, response.content
    data = response.json()
    claim = Claim.objects.get(pk=data["id"])
    assert (claim.created_by, claim.status, claim.tag_list()) == (fact_checker, Status.UNVERIFIED, "Belgorod")
    assert data["priority"] == "high" and data["tags"] == ["Belgorod"]
    event = ClaimEvent.objects.get(pgh_obj_id=claim.pk, pgh_label="insert")
    assert event.pgh_context.metadata["user"] == fact_checker.pk  # the token's person, in the history


def test_a_likely_duplicate_is_not_logged_until_the_caller_chooses(checker_api):
    original = ClaimFactory(text="Russian air defences shot down 17 Ukrainian drones over Belgorod.")
    asked = checker_api.post("/claims", NEW_CLAIM)
    assert asked.status_code == 409 and [d["id"] for d in asked.json()["duplicates"]] == [original.pk]
    assert Claim.objects.count() == 1
    appearance = checker_api.post("/claims", {**NEW_CLAIM, "duplicate": str(original.pk)})
    assert appearance.status_code == 200 and appearance.json()["claim"] == original.pk
    assert Claim.objects.count() == 1 and original.appearances.count() == 1
    logged = checker_api.post("/claims", {**NEW_CLAIM, "duplicate": "new"})
    assert logged.status_code == 201 and Claim.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NEW_CLAIM, "text": ""}, "text"),
        ({**NEW_CLAIM, "claimant": "  "}, "claimant"),
        ({**NEW_CLAIM, "claimed_on": "15 May"}, "claimed_on"),
        ({**NEW_CLAIM, "origin_url": "javascript:alert(1)"}, "origin_url"),
        ({**NEW_CLAIM, "priority": "extreme"}, "priority"),
        ({**NEW_CLAIM, "tags": ["x" * 61]}, "tags"),
        ({key: value for key, value in NEW_CLAIM.items() if key != "text"}, "text"),
        ({**NEW_CLAIM, "text": "a\x00b"}, "text"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_nothing_is_written(checker_api, body, field):
    response = checker_api.post("/claims", body)
    assert response.status_code == 422, response.content
    assert field in [problem["field"] for problem in response.json()["detail"]]
    assert not Claim.objects.exists()


def test_a_body_that_is_not_json_is_a_422(checker_api):
    response = checker_api.client.post(
        f"{API}/claims", b"\xff\xfe not json", content_type="application/json", headers=checker_api._headers()
    )
    assert response.status_code in (400, 422) and "error" in response.json()


def test_only_editors_assign_when_logging(checker_api, editor_api, fact_checker):
    refused = checker_api.post("/claims", {**NEW_CLAIM, "assignee": fact_checker.username})
    assert refused.status_code == 403 and not Claim.objects.exists()
    given = editor_api.post("/claims", {**NEW_CLAIM, "assignee": fact_checker.username})
    assert given.status_code == 201 and given.json()["assignee"] == fact_checker.username


def test_evidence_and_a_proposal_are_added_under_the_gates(checker_api):
    claim = ClaimFactory()
    too_soon = checker_api.post(f"/claims/{claim.pk}/reviews", {"status": "corroborated", "rationale": "Reuters."})
    assert too_soon.status_code == 422 and not Review.objects.exists()
    independent_corroboration(claim)
    added = checker_api.post(
        f"/claims/{claim.pk}/evidence", {"url": "https://apnews.com/article/x", "stance": "contradicts"}
    )
    assert added.status_code == 201 and added.json()["stance"] == "contradicts"
    again = checker_api.post(
        f"/claims/{claim.pk}/evidence", {"url": "https://apnews.com/article/x", "stance": "context"}
    )
    assert again.status_code == 422 and again.json()["detail"][0]["field"] == "url"
    proposed = checker_api.post(f"/claims/{claim.pk}/reviews", {"status": "corroborated", "rationale": "Reuters."})
    assert proposed.status_code == 201 and proposed.json()["decision"] == "pending"
    twice = checker_api.post(f"/claims/{claim.pk}/reviews", {"status": "disputed", "rationale": "Both."})
    assert twice.status_code == 409 and "already proposed" in twice.json()["detail"]
    assert Evidence.objects.filter(claim=claim).count() == 2


def test_editors_decide_and_fact_checkers_withdraw_only_their_own(checker_api, editor_api, fact_checker, editor):
    claim = ClaimFactory()
    independent_corroboration(claim)
    review = checker_api.post(f"/claims/{claim.pk}/reviews", {"status": "corroborated", "rationale": "AP."}).json()
    refused = checker_api.post(f"/reviews/{review['id']}/approve", {})
    assert refused.status_code == 403 and Review.objects.get(pk=review["id"]).decision == Decision.PENDING
    no_note = editor_api.post(f"/reviews/{review['id']}/return", {"note": " "})
    assert no_note.status_code == 422 and no_note.json()["detail"][0]["field"] == "note"
    returned = editor_api.post(f"/reviews/{review['id']}/return", {"note": "Which agency?"})
    assert returned.status_code == 200 and returned.json()["decision"] == "returned"
    again = checker_api.post(f"/claims/{claim.pk}/reviews", {"status": "corroborated", "rationale": "AP, 15 May."})
    someone_elses = editor_api.post(f"/reviews/{again.json()['id']}/withdraw")
    assert someone_elses.status_code == 403
    approved = editor_api.post(f"/reviews/{again.json()['id']}/approve", {"note": ""})
    assert approved.status_code == 200 and Claim.objects.get(pk=claim.pk).status == Status.CORROBORATED
    decided_twice = editor_api.post(f"/reviews/{again.json()['id']}/approve", {})
    assert decided_twice.status_code == 409 and "Already approved" in decided_twice.json()["detail"]


def test_a_proposer_withdraws_their_own_proposal(checker_api, fact_checker):
    review = ReviewFactory(proposed_by=fact_checker)
    response = checker_api.post(f"/reviews/{review.pk}/withdraw")
    assert response.status_code == 200 and response.json()["decision"] == "withdrawn"


def test_the_browser_session_works_with_csrf_enforced_on_writes(fact_checker):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(fact_checker)
    assert browser.get(f"{API}/claims").status_code == 200
    refused = browser.post(f"{API}/claims", NEW_CLAIM, content_type="application/json")
    assert refused.status_code == 403 and "error" in refused.json() and not Claim.objects.exists()
    browser.get("/settings/tokens/")  # sets the CSRF cookie, as any page does
    token = browser.cookies["csrftoken"].value
    logged = browser.post(f"{API}/claims", NEW_CLAIM, content_type="application/json", headers={"X-CSRFToken": token})
    assert logged.status_code == 201


def test_the_openapi_document_and_its_docs_page_are_served_without_a_cdn(client):
    document = client.get(f"{API}/openapi.json").json()
    assert document["openapi"].startswith("3.") and f"{API}/claims" in document["paths"]
    docs = client.get(f"{API}/docs")
    page = docs.content.decode()
    assert docs.status_code == 200 and "/static/ninja/swagger-ui-bundle" in page and "cdn" not in page.lower()


def test_a_write_without_credentials_is_a_401_not_a_csrf_refusal():
    for headers in ({}, {"Authorization": "Token abc"}):
        response = Client(enforce_csrf_checks=True).post(
            f"{API}/claims", NEW_CLAIM, content_type="application/json", headers=headers
        )
        assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("note", ["x\x00", "x" * 6000])
def test_a_decision_note_is_checked_as_the_browser_checks_it(editor_api, note):
    review = ReviewFactory()
    response = editor_api.post(f"/reviews/{review.pk}/return", {"note": note})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "note"
    assert Review.objects.get(pk=review.pk).decision == Decision.PENDING


@pytest.mark.parametrize("assignee", ["a\x00", "x" * 500])
def test_an_impossible_assignee_is_a_422(editor_api, assignee):
    response = editor_api.post("/claims", {**NEW_CLAIM, "assignee": assignee})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "assignee"
