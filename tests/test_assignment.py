from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Claim, WorkState
from tests.factories import ClaimFactory, claim_form_data

pytestmark = pytest.mark.django_db


def assign(client, claims, assignee="", next_url="/claims/"):
    return client.post(
        reverse("claims:assign"), {"claims": [claim.pk for claim in claims], "assignee": assignee, "next": next_url}
    )


def test_an_editor_assigns_selected_claims_in_bulk(editor_client, fact_checker):
    claims = ClaimFactory.create_batch(3)
    response = assign(editor_client, claims[:2], fact_checker.username, next_url="/claims/?status=unverified")
    assert response.status_code == 302 and response["Location"] == "/claims/?status=unverified"
    assert [claim.assignee for claim in Claim.objects.order_by("pk")] == [fact_checker, fact_checker, None]
    assert {claim.version for claim in Claim.objects.filter(assignee=fact_checker)} == {2}


def test_an_editor_unassigns(editor_client, fact_checker):
    claim = ClaimFactory(assignee=fact_checker)
    assign(editor_client, [claim])
    claim.refresh_from_db()
    assert claim.assignee is None and claim.work_state == WorkState.NEW


def test_a_fact_checker_takes_an_unassigned_claim(fact_checker_client, fact_checker):
    claim = ClaimFactory()
    assert assign(fact_checker_client, [claim], fact_checker.username).status_code == 302
    claim.refresh_from_db()
    assert claim.assignee == fact_checker and claim.work_state == WorkState.IN_PROGRESS


def test_a_fact_checker_cannot_assign_others_or_take_a_taken_claim(
    fact_checker_client, fact_checker, second_fact_checker
):
    free, taken = ClaimFactory(), ClaimFactory(assignee=second_fact_checker)
    assert assign(fact_checker_client, [free], second_fact_checker.username).status_code == 403
    assert assign(fact_checker_client, [free, taken], fact_checker.username).status_code == 403
    response = assign(fact_checker_client, [taken], fact_checker.username)
    assert response.status_code == 302  # told, on the page it came from, that someone has it
    assert Claim.objects.get(pk=free.pk).assignee is None
    assert Claim.objects.get(pk=taken.pk).assignee == second_fact_checker


def test_assigning_nothing_or_a_stranger_is_explained(editor_client):
    claim = ClaimFactory()
    response = editor_client.post(reverse("claims:assign"), {"assignee": "", "next": "/claims/"}, follow=True)
    assert "Select at least one claim to assign." in response.content.decode()
    response = editor_client.post(
        reverse("claims:assign"), {"claims": [claim.pk], "assignee": "ghost", "next": "/claims/"}, follow=True
    )
    assert "Select a valid choice" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).assignee is None


def test_assignment_never_redirects_off_site(editor_client, fact_checker):
    claim = ClaimFactory()
    response = assign(editor_client, [claim], fact_checker.username, next_url="https://evil.example/")
    assert response["Location"] == reverse("claims:list")


def test_outsiders_cannot_assign(client, outsider, fact_checker):
    claim = ClaimFactory()
    client.force_login(outsider)
    assert assign(client, [claim], fact_checker.username).status_code == 403
    assert Claim.objects.get(pk=claim.pk).assignee is None


def test_an_assignment_made_during_an_edit_is_not_silently_undone(editor_client, fact_checker_client, fact_checker):
    claim = ClaimFactory()
    opened = claim.version
    assign(editor_client, [claim], fact_checker.username)
    data = claim_form_data(text="Edited", claimant_name=claim.claimant.name, version=opened)
    response = fact_checker_client.post(reverse("claims:edit", args=[claim.pk]), data)
    assert response.status_code == 409
    assert "Assignee" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).assignee == fact_checker


def test_list_shows_selection_boxes_to_editors_only(editor_client, fact_checker_client):
    ClaimFactory()
    assert 'form="bulk-assign"' in editor_client.get(reverse("claims:list")).content.decode()
    assert 'form="bulk-assign"' not in fact_checker_client.get(reverse("claims:list")).content.decode()


def test_a_fact_checker_cannot_assign_through_the_claim_forms(fact_checker_client, second_fact_checker):
    claim = ClaimFactory()
    data = claim_form_data(
        text="Edited", claimant_name=claim.claimant.name, version=claim.version, assignee=second_fact_checker.pk
    )
    assert fact_checker_client.post(reverse("claims:edit", args=[claim.pk]), data).status_code == 302
    assert Claim.objects.get(pk=claim.pk).assignee is None
    data.pop("version")
    fact_checker_client.post(reverse("claims:create"), {**data, "text": "New claim"})
    assert Claim.objects.get(text="New claim").assignee is None
    assert 'name="assignee"' not in fact_checker_client.get(reverse("claims:create")).content.decode()


def test_a_decided_claim_reads_as_decided_until_someone_proposes_again(decided_claim, fact_checker):
    import datetime as dt

    from claims.models import Status
    from tests.factories import ReviewFactory

    moment = dt.datetime(2024, 5, 15, 12, tzinfo=dt.UTC)
    claim = decided_claim("Robotyne was retaken", logged=moment, decided=moment)
    Claim.objects.filter(pk=claim.pk).update(assignee=fact_checker)  # still assigned after the verdict
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.work_state == WorkState.DECIDED and claim.work_state.label == "Decided"
    ReviewFactory(claim=claim, previous_status=claim.status, proposed_status=Status.FALSE, proposed_by=fact_checker)
    assert Claim.objects.get(pk=claim.pk).work_state == WorkState.IN_REVIEW
