from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from claims.models import Claim, Evidence, Review
from tests.factories import PASSWORD, ClaimFactory, claim_form_data

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


def test_a_request_reads_its_person_and_their_permissions_in_one_query(fact_checker, django_assert_num_queries):
    from django.contrib.auth import get_user

    client = Client()
    client.force_login(fact_checker)
    request = client.get(reverse("claims:list")).wsgi_request  # a real request with the person's session
    request.__dict__.pop("_cached_user", None)
    with django_assert_num_queries(1):  # the user and every permission they hold, from groups or their own
        user = get_user(request)
        assert user.has_perm("claims.view_claim") and not user.has_perm("claims.decide_review")


def test_a_role_taken_away_counts_from_the_next_page(fact_checker_client, fact_checker, desk_pages):
    assert fact_checker_client.get(desk_pages[1]).status_code == 200
    fact_checker.groups.clear()
    assert fact_checker_client.get(desk_pages[1]).status_code == 403
    fact_checker.user_permissions.add(Permission.objects.get(codename="view_claim"))  # a permission of their own
    assert fact_checker_client.get(desk_pages[1]).status_code == 200


def test_a_deactivated_account_is_signed_out_on_its_next_page(fact_checker_client, fact_checker, desk_pages):
    fact_checker.is_active = False
    fact_checker.save()
    response = fact_checker_client.get(desk_pages[1])
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_superuser_holds_every_permission(client, superuser):
    client.force_login(superuser)
    user = client.get(reverse("claims:list")).wsgi_request.user
    assert user.has_perm("claims.decide_review") and user.has_perm("auth.change_user")


def test_a_view_only_account_cannot_write(client, outsider):
    outsider.user_permissions.add(Permission.objects.get(codename="view_claim"))  # may read claims, nothing more
    claim = ClaimFactory()
    client.force_login(outsider)
    assert client.get(claim.get_absolute_url()).status_code == 200
    posts = [
        (reverse("claims:create"), claim_form_data(text="x", claimant_name="y")),
        (reverse("claims:edit", args=[claim.pk]), claim_form_data(text="x", claimant_name="y")),
        (reverse("claims:evidence_add", args=[claim.pk]), {"url": "https://a.org/x", "stance": "corroborates"}),
        (reverse("claims:propose", args=[claim.pk]), {"status": "false", "rationale": "x"}),
        (reverse("claims:assign"), {"claims": [claim.pk], "assignee": ""}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert Claim.objects.count() == 1 and not Evidence.objects.exists() and not Review.objects.exists()


def test_anonymous_writes_go_to_login(client):
    claim = ClaimFactory()
    for url in [
        reverse("claims:edit", args=[claim.pk]),
        reverse("claims:propose", args=[claim.pk]),
        reverse("claims:evidence_add", args=[claim.pk]),
    ]:
        response = client.post(url, {})
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_an_expired_session_inside_htmx_sends_the_whole_page_to_login(client):
    claim = ClaimFactory()
    response = client.post(
        reverse("claims:evidence_add", args=[claim.pk]),
        {},
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{claim.get_absolute_url()}"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/accounts/login/?next=%2Fclaims%2F{claim.pk}%2F"


# --- Sign-in throttling (docs/security.md) ---------------------------------------------------------------


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="203.0.113.7")


def test_repeated_failed_sign_ins_lock_the_username_from_that_address(client, fact_checker):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, fact_checker.username, "wrong").status_code == 200

    locked = sign_in(client, fact_checker.username, "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed sign-ins" in page
    assert "ask a desk administrator to unlock it" in page.lower()

    # Locked means locked: even the right password is refused now.
    assert sign_in(client, fact_checker.username, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lock_on_one_username_does_not_lock_out_colleagues(client, fact_checker, second_fact_checker):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, fact_checker.username, "wrong")
    response = sign_in(Client(), second_fact_checker.username, PASSWORD)
    assert response.status_code == 302


def test_an_admin_unlocks_a_locked_account_in_the_admin(client, fact_checker, superuser):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, fact_checker.username, "wrong")
    assert sign_in(client, fact_checker.username, PASSWORD).status_code == 429

    admin = Client()
    admin.force_login(superuser)
    attempt = AccessAttempt.objects.get(username=fact_checker.username)
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert fact_checker.username in listing.content.decode()
    admin.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

    assert sign_in(client, fact_checker.username, PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client, fact_checker):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, fact_checker.username, "wrong")
    assert sign_in(client, fact_checker.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert sign_in(client, fact_checker.username, "wrong").status_code == 200  # counting starts again


def test_a_failed_sign_in_is_logged_without_the_password(client, fact_checker, desk_log):
    sign_in(client, fact_checker.username, "hunter2-wrong")
    [line] = [entry for entry in desk_log() if entry["event"] == "login.failed"]
    assert line["username"] == fact_checker.username
    assert line["ip"] == "203.0.113.7"
    assert line["level"] == "WARNING"
    assert "hunter2" not in json.dumps(line)


def test_behind_our_proxy_the_address_comes_from_forwarded_for_and_cannot_be_forged(rf, settings):
    from newsdesk.security import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote 6.6.6.6 itself; our proxy appended the address it really saw.
    assert client_ip(request) == "198.51.100.4"
