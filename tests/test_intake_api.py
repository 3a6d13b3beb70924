"""POST /api/v1/intake/extract (api/api.py, docs/api.md): the intake page's candidates as JSON, for a token
or a session of someone who may log claims; bad input is a 422 naming the field; nothing is ever written."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from api.models import ApiToken
from claims.models import Appearance, Claim, Claimant, Evidence, Source
from tests.factories import ClaimantFactory, ClaimFactory, UserFactory
from tests.test_intake_page import NO_ATTRIBUTION, STORY

pytestmark = pytest.mark.django_db

URL = "/api/v1/intake/extract"


def post(body, user=None, *, token: str | None = None):
    headers = {}
    if user is not None:
        headers["Authorization"] = f"Bearer {ApiToken.objects.issue(user=user, name='tests')[1]}"
    elif token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return Client().post(URL, body, content_type="application/json", headers=headers)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Claim, Claimant, Source, Evidence, Appearance)}


@pytest.fixture
def ministry(db):
    return ClaimantFactory(name="Russian Ministry of Defence", aliases=["Russia's Defence Ministry"])


def test_without_a_token_the_answer_is_401():
    response = post({"text": STORY, "published": "2024-05-15"})
    assert response.status_code == 401
    assert response.json()["error"] == "not authenticated"
    assert post({"text": STORY, "published": "2024-05-15"}, token="nd_wrong").status_code == 401


def test_an_account_without_a_desk_role_gets_403(outsider):
    response = post({"text": STORY, "published": "2024-05-15"}, outsider)
    assert response.status_code == 403 and response.json()["error"] == "forbidden"


def test_a_role_that_cannot_log_claims_gets_403():
    reader = UserFactory(username="reader")
    reader.user_permissions.add(Permission.objects.get(codename="view_claim"))
    response = post({"text": STORY, "published": "2024-05-15"}, reader)
    assert response.status_code == 403
    assert response.json()["detail"] == "Your role cannot log claims."


def test_the_candidates_of_a_story_and_nothing_written(fact_checker, ministry):
    original = ClaimFactory(
        claimant=ministry, text="Russian air defences shot down 10 US-made ATACMS missiles over Crimea overnight."
    )
    before = counts()
    response = post({"text": STORY, "published": "2024-05-15", "dateline": "Kyiv"}, fact_checker)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    answer = response.json()
    assert set(answer) == {"language", "candidates", "unattributed"}
    assert answer["language"] == "en"
    assert len(answer["candidates"]) >= 2
    for candidate in answer["candidates"]:
        assert set(candidate) == {"text", "sentence", "quote", "claimed_on", "claimant", "duplicates"}
        assert candidate["text"] and candidate["sentence"] in STORY
        assert set(candidate["claimant"]) == {"name", "id", "kind"}
    ministry_claims = [c for c in answer["candidates"] if c["claimant"]["id"] == ministry.pk]
    assert ministry_claims and ministry_claims[0]["claimant"]["name"] == "Russian Ministry of Defence"
    assert ministry_claims[0]["claimed_on"] == "2024-05-15"
    assert {"id": original.pk, "text": original.text, "status": "unverified"} in ministry_claims[0]["duplicates"]
    assert all(set(statement) == {"text"} for statement in answer["unattributed"])
    assert counts() == before


def test_a_story_that_credits_nobody_has_no_candidates(fact_checker):
    response = post({"text": NO_ATTRIBUTION, "published": "2024-05-15"}, fact_checker)
    assert response.status_code == 200
    answer = response.json()
    assert answer["candidates"] == []
    assert "Heavy rain fell over the region on Tuesday." in [s["text"] for s in answer["unattributed"]]


def test_the_browser_session_works_too(fact_checker_client):
    response = fact_checker_client.post(
        URL, {"text": STORY, "published": "2024-05-15"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["candidates"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"text": "", "published": "2024-05-15"}, "text", "Send the story's text."),
        ({"text": " \n ", "published": "2024-05-15"}, "text", "Send the story's text."),
        (
            {"text": "x" * 1_048_576, "published": "2024-05-15"},
            "text",
            "This story is 1,048,576 characters long; intake reads up to 100,000.",
        ),
        ({"text": "The ministry said\x00 it was so.", "published": "2024-05-15"}, "text", "NUL bytes"),
        ({"text": "".join(chr(1 + n % 31) for n in range(3000)), "published": "2024-05-15"}, "text", "read as text"),
        ({"text": STORY, "published": "2024-13-45"}, "published", ""),
        ({"text": STORY, "published": "yesterday"}, "published", ""),
        ({"text": STORY}, "published", ""),
        ({"text": STORY, "published": "2999-01-01"}, "published", "A story cannot be published in the future"),
        ({"text": STORY, "published": "2024-05-15", "dateline": "x" * 101}, "dateline", "at most 100 characters"),
        ({"published": "2024-05-15"}, "text", ""),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_nothing_is_written(fact_checker, body, field, message):
    before = counts()
    response = post(body, fact_checker)
    assert response.status_code == 422, response.content
    answer = response.json()
    assert answer["error"] in ("invalid input", "refused")
    fields = {item["field"]: item["message"] for item in answer["detail"]}
    assert field in fields and message in fields[field]
    assert counts() == before


def test_a_body_that_is_not_json_is_a_400(fact_checker):
    token = ApiToken.objects.issue(user=fact_checker, name="tests")[1]
    response = Client().post(
        URL, "text=story", content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code in (400, 422) and response["Content-Type"].startswith("application/json")
