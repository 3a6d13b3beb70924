from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from django.urls import reverse

from claims.models import Claim, Priority, Status
from tests.factories import ClaimantFactory, ClaimFactory

pytestmark = pytest.mark.django_db


def shown(client, **params) -> list[str]:
    response = client.get(reverse("claims:list"), params)
    assert response.status_code == 200, response.content.decode()[:500]
    return [claim.text for claim in response.context["claims"]]


@pytest.fixture
def three_claims(fact_checker):
    """Two claims of the Russian ministry (one assigned to the fact-checker, one disputed) and one of the
    Ukrainian General Staff in Ukrainian, on three days and at three priorities."""
    ministry = ClaimantFactory(name="Russian Ministry of Defence")
    staff = ClaimantFactory(name="Генеральний штаб ЗСУ")
    ClaimFactory(
        text="Air defences downed 17 drones over Belgorod",
        claimant=ministry,
        priority=Priority.HIGH,
        claimed_on=dt.date(2024, 5, 15),
        tags=["air defence"],
        assignee=fact_checker,
    )
    ClaimFactory(text="Troops captured Robotyne", claimant=ministry, claimed_on=dt.date(2024, 5, 10))
    ClaimFactory(
        text="Підрозділи відійшли на вигідніші позиції біля Вовчанська",
        claimant=staff,
        claimed_on=dt.date(2024, 5, 16),
        priority=Priority.URGENT,
    )
    Claim.objects.filter(text__startswith="Troops").update(status=Status.DISPUTED)


def test_search_uses_stemming_websearch_syntax_and_cyrillic(fact_checker_client, three_claims):
    assert shown(fact_checker_client, q="capture") == ["Troops captured Robotyne"]
    assert shown(fact_checker_client, q="ministry -drones") == ["Troops captured Robotyne"]
    assert shown(fact_checker_client, q="Вовчанська") == ["Підрозділи відійшли на вигідніші позиції біля Вовчанська"]
    assert shown(fact_checker_client, q="генеральний") == ["Підрозділи відійшли на вигідніші позиції біля Вовчанська"]
    assert shown(fact_checker_client, q='"drones over"') == ["Air defences downed 17 drones over Belgorod"]


def test_search_ranks_the_best_match_first(fact_checker_client, three_claims):
    ClaimFactory(text="Robotyne, Robotyne: shelling reported near Robotyne")
    assert shown(fact_checker_client, q="robotyne")[0] == "Robotyne, Robotyne: shelling reported near Robotyne"


def test_filters_combine(fact_checker_client, three_claims, fact_checker):
    assert shown(fact_checker_client, claimant="russian ministry of defence", sort="oldest") == [
        "Air defences downed 17 drones over Belgorod",
        "Troops captured Robotyne",
    ]
    assert shown(fact_checker_client, tag="air defence") == ["Air defences downed 17 drones over Belgorod"]
    assert shown(fact_checker_client, assignee=fact_checker.username) == ["Air defences downed 17 drones over Belgorod"]
    assert len(shown(fact_checker_client, assignee="none")) == 2
    assert shown(fact_checker_client, priority=Priority.URGENT) == [
        "Підрозділи відійшли на вигідніші позиції біля Вовчанська"
    ]
    assert shown(fact_checker_client, claimed_from="2024-05-11", claimed_to="2024-05-15") == [
        "Air defences downed 17 drones over Belgorod"
    ]
    assert shown(fact_checker_client, status="disputed") == ["Troops captured Robotyne"]


def test_sort_orders(fact_checker_client, three_claims):
    assert shown(fact_checker_client, sort="priority")[0] == "Підрозділи відійшли на вигідніші позиції біля Вовчанська"
    Claim.objects.filter(text__startswith="Troops").update(updated_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    assert shown(fact_checker_client, sort="activity")[0] == "Troops captured Robotyne"


@pytest.mark.parametrize(
    "params",
    [
        {"status": "probably"},
        {"claimant": "Nobody at all"},
        {"tag": "no-such-tag"},
        {"assignee": "ghost"},
        {"priority": "99"},
        {"claimed_from": "yesterday"},
        {"sort": "random"},
    ],
)
def test_unknown_filter_values_get_a_clear_message_not_a_500(fact_checker_client, three_claims, params):
    response = fact_checker_client.get(reverse("claims:list"), params)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert response.context["total"] == 0  # the count says what is shown: nothing, not the whole desk


@pytest.mark.parametrize("params", [{"after": "%%%"}, {"page": "-5"}, {"page": "99999999999"}, {"q": "'\\&|!("}])
def test_odd_paging_and_search_input_still_gives_a_page(fact_checker_client, three_claims, params):
    assert fact_checker_client.get(reverse("claims:list"), params).status_code == 200


def test_status_chips_count_within_the_other_filters(fact_checker_client, three_claims):
    response = fact_checker_client.get(
        reverse("claims:list"), {"claimant": "Russian Ministry of Defence", "status": "disputed"}
    )
    counts = {value: count for value, _, count in response.context["status_counts"]}
    assert counts["unverified"] == 1 and counts["disputed"] == 1 and counts["confirmed"] == 0
    assert response.context["total"] == 1


def test_htmx_request_gets_the_results_and_fresh_counts_out_of_band(fact_checker_client, three_claims):
    response = fact_checker_client.get(reverse("claims:list"), {"q": "robotyne"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="results"')
    assert 'id="count-disputed" hx-swap-oob="true">1<' in page
    assert "Troops captured Robotyne" in page and "<form" not in page


def test_the_list_works_without_javascript_as_a_plain_form(fact_checker_client, three_claims):
    page = fact_checker_client.get(reverse("claims:list")).content.decode()
    assert 'method="get" action="/claims/"' in page
    assert '<button type="submit" class="button">Apply</button>' in page


def test_dashboard_links_to_my_claims(client, three_claims, fact_checker, second_fact_checker):
    ClaimFactory(assignee=second_fact_checker, text="Not mine")
    client.force_login(fact_checker)
    mine = [claim.text for claim in client.get(reverse("claims:dashboard")).context["my_claims"]]
    assert mine == ["Air defences downed 17 drones over Belgorod"]


@pytest.mark.parametrize("number", ["Infinity", "-Infinity", "NaN", "1e400"])
@pytest.mark.parametrize("sort", ["newest", "priority"])
def test_a_cursor_with_an_infinite_number_gives_the_first_page(fact_checker_client, sort, number):
    ClaimFactory.create_batch(2)
    values = {"newest": f'["2024-05-15T00:00:00+00:00", {number}]', "priority": f'[{number}, "2024-05-15", 1]'}[sort]
    cursor = base64.urlsafe_b64encode(values.encode()).decode().rstrip("=")
    response = fact_checker_client.get(reverse("claims:list"), {"sort": sort, "after": cursor})
    assert response.status_code == 200 and len(response.context["claims"]) == 2


@pytest.mark.parametrize("refused", [{"status": "rumour"}, {"claimed_from": "2024-13-01"}, {"tag": "no such tag"}])
def test_a_search_with_a_refused_filter_is_a_400_not_a_500(fact_checker_client, refused):
    """The search was not run, so ordering its (empty) results by relevance had no rank to use."""
    ClaimFactory(text="Forces took Robotyne.")
    response = fact_checker_client.get(reverse("claims:list"), {"q": "forces", **refused})
    assert response.status_code == 400 and response.context["claims"] == []
    htmx = fact_checker_client.get(reverse("claims:list"), {"q": "forces", **refused}, headers={"HX-Request": "true"})
    assert htmx.status_code == 400


def json_cursor(values) -> str:
    """A keyset cursor as the list writes one (base64 of a JSON list), holding any values at all."""
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("values", [[None, None], [[1], {"a": 1}], [True, 3], ["not a date", 1]])
def test_forged_cursors_fall_back_to_the_first_page(fact_checker_client, values):
    ClaimFactory.create_batch(2)
    response = fact_checker_client.get(reverse("claims:list"), {"after": json_cursor(values)})
    assert response.status_code == 200 and len(response.context["claims"]) == 2


def test_search_results_page_through_offsets(fact_checker_client):
    ClaimFactory.create_batch(55, text="Shelling near Vovchansk")
    first = fact_checker_client.get(reverse("claims:list"), {"q": "vovchansk"})
    assert len(first.context["claims"]) == 50 and "page=2" in first.context["next_query"]
    second = fact_checker_client.get(reverse("claims:list"), {"q": "vovchansk", "page": "2"})
    assert len(second.context["claims"]) == 5 and not second.context["next_query"]


@pytest.mark.parametrize("claimant", ["\x00", "a" * 500])
def test_impossible_claimant_names_in_the_url_are_a_400(fact_checker_client, claimant):
    assert fact_checker_client.get(reverse("claims:list"), {"claimant": claimant}).status_code == 400
