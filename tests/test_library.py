from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Affiliation, Claim, Outlet, Stance, Status
from tests.factories import (
    AffiliationFactory,
    ClaimantFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    SourceFactory,
)
from tests.queries import assert_query_count_stays_flat

pytestmark = pytest.mark.django_db


def claims_for(claimant, n, status=Status.UNVERIFIED):
    claims = ClaimFactory.create_batch(n, claimant=claimant)
    Claim.objects.filter(pk__in=[claim.pk for claim in claims]).update(status=status)
    for claim in claims:
        EvidenceFactory(claim=claim)


def test_claimant_track_record(fact_checker_client):
    ministry = ClaimantFactory(name="Міністерство оборони")
    claims_for(ministry, 3, Status.CONFIRMED)
    claims_for(ministry, 1, Status.FALSE)
    claims_for(ministry, 2)
    response = fact_checker_client.get(reverse("claims:claimant", args=[ministry.pk]))
    page = response.content.decode()
    assert (response.context["total"], response.context["decided"]) == (6, 4)
    assert (response.context["share_confirmed"], response.context["share_false"]) == (75, 25)
    assert "Міністерство оборони" in page


def test_claimant_list_counts_and_finds(fact_checker_client):
    ministry = ClaimantFactory(name="Russian Ministry of Defence")
    claims_for(ministry, 2, Status.CONFIRMED)
    ClaimantFactory(name="Serhiy Nykyforov")
    response = fact_checker_client.get(reverse("claims:claimants"), {"q": "ministry"})
    rows = list(response.context["page"].object_list)
    assert [(row.name, row.claim_count, row.confirmed_count) for row in rows] == [("Russian Ministry of Defence", 2, 2)]


def test_source_library_filters_by_outlet_and_kind(fact_checker_client):
    tass = OutletFactory(domain="tass.ru", name="TASS")
    SourceFactory(outlet=tass, kind="article", title="TASS article")
    SourceFactory(outlet=tass, kind="video", title="TASS video")
    SourceFactory(title="Elsewhere")
    response = fact_checker_client.get(reverse("claims:sources"), {"outlet": "tass.ru", "kind": "video"})
    assert [source.title for source in response.context["page"].object_list] == ["TASS video"]
    assert fact_checker_client.get(reverse("claims:sources"), {"outlet": "nope.example"}).status_code == 400


def test_source_page_lists_the_claims_and_stances(fact_checker_client):
    source = SourceFactory(title="Satellite imagery of Robotyne")
    EvidenceFactory(source=source, claim__text="Robotyne captured", stance=Stance.CONTRADICTS)
    page = fact_checker_client.get(reverse("claims:source", args=[source.pk])).content.decode()
    assert "Robotyne captured" in page and "Contradicts" in page and "web.archive.org" in page


@pytest.mark.parametrize("name", ["claimants", "sources", "outlets"])
def test_library_query_counts_stay_flat(fact_checker_client, name):
    def add_rows(n):
        for _ in range(n):
            claimant = ClaimantFactory()
            claims_for(claimant, 1)

    add_rows(5)
    assert_query_count_stays_flat(fact_checker_client, reverse(f"claims:{name}"), lambda: add_rows(45))


def test_claimant_and_source_pages_query_counts_stay_flat(fact_checker_client):
    claimant = ClaimantFactory()
    source = SourceFactory()
    claims_for(claimant, 5)
    EvidenceFactory.create_batch(5, source=source)
    assert_query_count_stays_flat(
        fact_checker_client, reverse("claims:claimant", args=[claimant.pk]), lambda: claims_for(claimant, 45)
    )
    assert_query_count_stays_flat(
        fact_checker_client,
        reverse("claims:source", args=[source.pk]),
        lambda: EvidenceFactory.create_batch(45, source=source),
    )


def test_editors_set_an_outlets_affiliation(editor_client):
    outlet = OutletFactory(domain="meduza.io", name="meduza.io", affiliation=None)
    side = AffiliationFactory(name="Independent")
    response = editor_client.post(
        reverse("claims:outlet_update", args=[outlet.pk]), {"name": "Meduza", "affiliation": side.pk}
    )
    assert response.status_code == 302
    outlet.refresh_from_db()
    assert (outlet.name, outlet.affiliation) == ("Meduza", side)


def test_an_outlet_needs_a_name(editor_client):
    outlet = OutletFactory(name="Meduza")
    response = editor_client.post(reverse("claims:outlet_update", args=[outlet.pk]), {"name": " ", "affiliation": ""})
    assert response.status_code == 422
    assert Outlet.objects.get(pk=outlet.pk).name == "Meduza"


def test_fact_checkers_cannot_change_outlets(fact_checker_client):
    outlet = OutletFactory(name="Meduza")
    response = fact_checker_client.post(
        reverse("claims:outlet_update", args=[outlet.pk]), {"name": "Mine", "affiliation": ""}
    )
    assert response.status_code == 403
    assert Outlet.objects.get(pk=outlet.pk).name == "Meduza"


def test_library_pages_need_a_desk_role(client, outsider):
    claimant, source = ClaimantFactory(), SourceFactory()
    urls = [
        reverse("claims:claimants"),
        reverse("claims:claimant", args=[claimant.pk]),
        reverse("claims:sources"),
        reverse("claims:source", args=[source.pk]),
        reverse("claims:outlets"),
    ]
    for url in urls:
        assert client.get(url).status_code == 302, url
    client.force_login(outsider)
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_editors_add_an_affiliation(editor_client):
    response = editor_client.post(
        reverse("claims:affiliation_create"), {"name": " Belarusian  government ", "description": ""}
    )
    assert response.status_code == 302
    assert list(Affiliation.objects.values_list("name", flat=True)) == ["Belarusian government"]


@pytest.mark.parametrize("name", ["", "   "])
def test_an_affiliation_needs_a_name(editor_client, name):
    response = editor_client.post(reverse("claims:affiliation_create"), {"name": name})
    assert response.status_code == 422
    assert not Affiliation.objects.exists()


def test_fact_checkers_cannot_add_affiliations(fact_checker_client):
    assert fact_checker_client.post(reverse("claims:affiliation_create"), {"name": "Mine"}).status_code == 403
    assert not Affiliation.objects.exists()


def test_outlets_page_has_a_plain_title(fact_checker_client):
    page = fact_checker_client.get(reverse("claims:outlets")).content.decode()
    assert "<title>Outlets · newsdesk</title>" in page


def test_editors_correct_a_claimants_affiliation(editor_client):
    claimant = ClaimantFactory(affiliation=None)
    side = AffiliationFactory(name="Russian government")
    url = reverse("claims:claimant_update", args=[claimant.pk])
    response = editor_client.post(
        url, {"kind": "government_body", "affiliation": side.pk, "url": "", "description": ""}
    )
    assert response.status_code == 302
    claimant.refresh_from_db()
    assert claimant.affiliation == side
    bad = editor_client.post(url, {"kind": "government_body", "url": "javascript:alert(1)"})
    assert bad.status_code == 422 and "Enter a valid URL." in bad.content.decode()


def test_fact_checkers_cannot_change_a_claimants_side(fact_checker_client):
    claimant = ClaimantFactory(affiliation=None)
    response = fact_checker_client.post(reverse("claims:claimant_update", args=[claimant.pk]), {"kind": "other"})
    assert response.status_code == 403
    assert (
        "Edit kind and affiliation"
        not in fact_checker_client.get(reverse("claims:claimant", args=[claimant.pk])).content.decode()
    )


def test_editors_rename_an_affiliation(editor_client, fact_checker_client):
    side = AffiliationFactory(name="Independant")
    url = reverse("claims:affiliation_update", args=[side.pk])
    assert fact_checker_client.post(url, {"name": "Mine"}).status_code == 403
    assert editor_client.post(url, {"name": "Independent", "description": "No state control"}).status_code == 302
    side.refresh_from_db()
    assert (side.name, side.description) == ("Independent", "No state control")


def test_a_claimants_website_on_a_look_alike_domain_is_stored_in_ascii(editor_client):
    claimant = ClaimantFactory()
    response = editor_client.post(
        reverse("claims:claimant_update", args=[claimant.pk]), {"kind": "official", "url": "https://m\u0456l.ru/"}
    )
    assert response.status_code == 302
    claimant.refresh_from_db()
    assert claimant.url == "https://xn--ml-hoc.ru/"


@pytest.mark.parametrize("typed", ["Minis\x00try", "\x00", "M" * 201])
def test_a_claimant_search_with_a_nul_byte_or_too_long_is_a_400(fact_checker_client, typed):
    ClaimantFactory(name="Ministry of Defence")
    response = fact_checker_client.get(reverse("claims:claimants"), {"q": typed})
    assert response.status_code == 400 and "Ministry of Defence" not in response.content.decode()
    assert 'class="message message-error"' in response.content.decode()


def test_claimant_searches_still_find_names(fact_checker_client):
    ClaimantFactory(name="Ministry of Defence")
    listed = fact_checker_client.get(reverse("claims:claimants"), {"q": "  ministry   of "})
    assert listed.status_code == 200 and "Ministry of Defence" in listed.content.decode()
    suggested = fact_checker_client.get(reverse("claims:claimant_suggest"), {"claimant": "minis"})
    assert b'<option value="Ministry of Defence">' in suggested.content


def test_a_claimant_description_over_its_limit_is_a_form_error(editor_client):
    claimant = ClaimantFactory(description="")
    response = editor_client.post(
        reverse("claims:claimant_update", args=[claimant.pk]), {"kind": "official", "description": "d" * 5001}
    )
    assert response.status_code == 422
    claimant.refresh_from_db()
    assert claimant.description == ""


def test_an_affiliation_description_over_its_limit_is_a_form_error(editor_client):
    response = editor_client.post(
        reverse("claims:affiliation_create"), {"name": "Observers", "description": "d" * 1001}
    )
    assert response.status_code == 422 and not Affiliation.objects.filter(name="Observers").exists()
