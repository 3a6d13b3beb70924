from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.factories import PASSWORD, ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_pages():
    claim = ClaimFactory()
    return [reverse("claims:dashboard"), reverse("claims:list"), reverse("claims:detail", args=[claim.pk])]


def test_anonymous_users_are_sent_to_login_from_every_page(client, desk_pages):
    for url in [*desk_pages, reverse("admin:index")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response["Location"], url


def test_signed_in_users_without_a_role_see_nothing(client, outsider, desk_pages):
    client.force_login(outsider)
    for url in desk_pages:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Forces took village" not in response.content.decode()


def test_fact_checkers_see_every_page(fact_checker_client, desk_pages):
    for url in desk_pages:
        assert fact_checker_client.get(url).status_code == 200, url


def test_editors_see_every_page(editor_client, desk_pages):
    for url in desk_pages:
        assert editor_client.get(url).status_code == 200, url


def test_missing_claim_is_a_404(fact_checker_client):
    assert fact_checker_client.get(reverse("claims:detail", args=[999999])).status_code == 404


def test_login_with_a_wrong_password_shows_an_error(client, fact_checker):
    response = client.post(reverse("login"), {"username": fact_checker.username, "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_and_logout(client, fact_checker):
    response = client.post(reverse("login"), {"username": fact_checker.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:dashboard")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("claims:list")).status_code == 302


def test_healthz_answers_200_with_the_database_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert client.head("/healthz").status_code == 200  # load balancers often probe with HEAD


def test_roles_exist_with_their_permissions(fact_checker, editor):
    assert set(Group.objects.values_list("name", flat=True)) >= {"Fact-checkers", "Editors"}
    assert fact_checker.has_perm("claims.add_evidence") and not fact_checker.has_perm("claims.decide_review")
    assert editor.has_perm("claims.decide_review") and editor.has_perm("claims.change_outlet")
