from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from claims.models import Claim, Claimant, ClaimTag, Evidence, Review
from tests.factories import EvidenceFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

DESK_MODELS = [model for model in admin.site._registry if model._meta.app_label == "claims"]


def test_every_desk_model_is_in_the_admin():
    desk_models = {
        model for model in apps.get_app_config("claims").get_models() if not model.__name__.endswith("Event")
    }
    assert desk_models - {ClaimTag} <= set(DESK_MODELS)


@pytest.mark.parametrize("model", DESK_MODELS, ids=lambda model: model.__name__)
def test_admin_changelists_search_and_filter(client, model):
    EvidenceFactory()
    ReviewFactory()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse(f"admin:claims_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "village"}).status_code == 200


def test_editor_can_work_in_the_admin(client, an_editor):
    EvidenceFactory()
    an_editor.is_staff = True
    an_editor.save()
    client.force_login(an_editor)
    for model in [Claim, Claimant, Evidence, Review]:
        url = reverse(f"admin:claims_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, model
