from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from claims.models import (
    Claim,
    Claimant,
    ClaimTag,
    Decision,
    Evidence,
    LikelyDuplicate,
    Review,
    SearchWord,
    Source,
    StatusCount,
)
from tests.factories import ClaimFactory, EvidenceFactory, OutletFactory, ReviewFactory, SourceFactory

pytestmark = pytest.mark.django_db

DESK_MODELS = [model for model in admin.site._registry if model._meta.app_label == "claims"]


def test_every_desk_model_is_in_the_admin():
    desk_models = {
        model for model in apps.get_app_config("claims").get_models() if not model.__name__.endswith("Event")
    }
    # Tag links are edited on the claim; StatusCount, LikelyDuplicate and SearchWord are derived from the claims.
    assert desk_models - {ClaimTag, StatusCount, LikelyDuplicate, SearchWord} <= set(DESK_MODELS)


@pytest.mark.parametrize("model", DESK_MODELS, ids=lambda model: model.__name__)
def test_admin_changelists_search_and_filter(superuser_client, model):
    EvidenceFactory()
    ReviewFactory()
    url = reverse(f"admin:claims_{model._meta.model_name}_changelist")
    assert superuser_client.get(url).status_code == 200
    assert superuser_client.get(url, {"q": "village"}).status_code == 200
    for list_filter in model_admin(model).list_filter:
        assert superuser_client.get(url, {f"{list_filter}__isnull": "False"}).status_code == 200, list_filter
    assert superuser_client.get(reverse(f"admin:claims_{model._meta.model_name}_add")).status_code in (200, 403)


def model_admin(model):
    return admin.site._registry[model]


def test_editor_can_work_in_the_admin(client, editor):
    EvidenceFactory()
    editor.is_staff = True
    editor.save()
    client.force_login(editor)
    for model in [Claim, Claimant, Evidence, Review]:
        url = reverse(f"admin:claims_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, model


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


def test_admin_reports_a_duplicate_source_url_beside_the_field(superuser_client):
    SourceFactory(url="https://reuters.com/world/a", outlet=None)
    response = superuser_client.post(
        reverse("admin:claims_source_add"),
        {
            "url": "HTTPS://Reuters.com/world/a?utm_source=feed",
            "kind": "article",
            "added_at_0": "2024-05-15",
            "added_at_1": "10:00",
        },
    )
    assert response.status_code == 200
    assert "Source with this Url already exists." in response.content.decode()
    assert Source.objects.count() == 1


def test_admin_adds_a_source_with_its_outlet_and_author(superuser_client, superuser):
    outlet = OutletFactory(domain="apnews.com")
    response = superuser_client.post(
        reverse("admin:claims_source_add"),
        {"url": "https://apnews.com/article/x", "kind": "article", "added_at_0": "2024-05-15", "added_at_1": "10:00"},
    )
    assert response.status_code == 302
    source = Source.objects.get()
    assert (source.outlet, source.added_by) == (outlet, superuser)


def test_claims_and_evidence_are_shown_not_written_in_the_admin(superuser_client):
    """A verdict's rows change through the desk's workflow only: the admin cannot reword a decided
    claim or unlink its evidence behind the second pair of eyes."""
    evidence = EvidenceFactory(claim=ClaimFactory(text="Old wording"))
    claim = evidence.claim
    change = superuser_client.post(
        reverse("admin:claims_claim_change", args=[claim.pk]),
        {"text": "New wording", "claimant": claim.claimant.pk, "claimed_on": "2024-05-15", "priority": 1},
    )
    assert change.status_code == 403
    delete = superuser_client.post(reverse("admin:claims_evidence_delete", args=[evidence.pk]), {"post": "yes"})
    assert delete.status_code == 403
    claim.refresh_from_db()
    assert claim.text == "Old wording"
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert superuser_client.get(reverse("admin:claims_claim_change", args=[claim.pk])).status_code == 200


def test_reviews_cannot_be_decided_in_the_admin(client, editor):
    review = ReviewFactory()
    editor.is_staff = True
    editor.save()
    client.force_login(editor)
    url = reverse("admin:claims_review_change", args=[review.pk])
    assert client.get(url).status_code == 200  # readable
    client.post(url, {"decision": "approved", "decided_by": editor.pk, "decided_at_0": "2024-05-15"})
    review.refresh_from_db()
    assert review.decision == Decision.PENDING
    assert client.get(reverse("admin:claims_review_add")).status_code == 403


def test_captures_are_shown_not_written_in_the_admin(superuser_client):
    from captures.models import Artifact, Capture
    from claims.models import JobState

    source = EvidenceFactory().source
    capture = Capture.objects.create(source=source, state=JobState.DONE, finished_at=source.added_at)
    Artifact.objects.create(
        capture=capture, kind="warc", name="1/1/warc.warc.gz", sha256="a" * 64, size=1, media_type="x"
    )

    assert superuser_client.get(reverse("admin:captures_capture_changelist")).status_code == 200
    assert superuser_client.get(reverse("admin:captures_capture_change", args=[capture.pk])).status_code == 200
    assert superuser_client.get(reverse("admin:captures_capture_add")).status_code == 403
    delete = superuser_client.post(reverse("admin:captures_capture_delete", args=[capture.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert Capture.objects.filter(pk=capture.pk, state=JobState.DONE).exists()
