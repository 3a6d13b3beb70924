from __future__ import annotations

import re

import pytest
from django.urls import reverse

from claims.models import Claim, Claimant, ClaimEvent, Tag
from tests.factories import AffiliationFactory, ClaimantFactory, ClaimFactory, claim_form_data

pytestmark = pytest.mark.django_db

TAGS = "air defence, Belgorod"
# A megabyte of short words: what overflowed the search vector when stored as a quote.
MANY_WORDS = " ".join(f"w{number}x" for number in range(125_000))[:1_000_000]


def test_fact_checker_logs_a_claim_with_an_existing_claimant(fact_checker_client, fact_checker):
    ministry = ClaimantFactory(name="Russian Ministry of Defence")
    response = fact_checker_client.post(
        reverse("claims:create"), claim_form_data(claimant_name="russian ministry of defence", tag_names=TAGS)
    )
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"] == claim.get_absolute_url()
    assert (claim.claimant, claim.created_by, claim.version) == (ministry, fact_checker, 1)
    assert sorted(claim.tags.values_list("name", flat=True)) == ["Belgorod", "air defence"]


def test_a_new_claimant_is_created_inline_with_its_affiliation(fact_checker_client):
    side = AffiliationFactory(name="Ukrainian government")
    fact_checker_client.post(
        reverse("claims:create"),
        claim_form_data(
            claimant_name="  Генштаб  ЗСУ ", new_claimant_kind="military", new_claimant_affiliation=side.pk
        ),
    )
    claimant = Claimant.objects.get()
    assert (claimant.name, claimant.kind, claimant.affiliation) == ("Генштаб ЗСУ", "military", side)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("text", "", "This field is required."),
        ("text", "   ", "This field is required."),
        ("text", "x" * 5000, "at most 1000 characters"),
        ("claimant_name", "    ", "This field is required."),
        ("origin_url", "javascript:alert(1)", "Enter a valid URL."),
        ("origin_url", "data:text/html,hi", "Enter a valid URL."),
        ("origin_url", "https://", "Enter a valid URL."),
        ("claimed_on", "15 May, probably", "Enter a valid date."),
        ("claimed_on", "2024-02-30", "Enter a valid date."),
        ("priority", "9", "Select a valid choice."),
        ("tag_names", "x" * 61, "Tags are at most 60 characters"),
    ],
)
def test_bad_input_is_explained_beside_the_field_and_nothing_is_written(fact_checker_client, field, value, message):
    response = fact_checker_client.post(reverse("claims:create"), claim_form_data(**{"tag_names": TAGS, field: value}))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert not Claim.objects.exists() and not Claimant.objects.exists() and not Tag.objects.exists()


def test_user_text_in_the_form_is_escaped(fact_checker_client):
    response = fact_checker_client.post(
        reverse("claims:create"), claim_form_data(text="", claimant_name="<script>x</script>")
    )
    assert "<script>x</script>" not in response.content.decode()


def test_edit_saves_and_moves_the_version_on(fact_checker_client, fact_checker):
    claim = ClaimFactory(text="Old wording")
    data = claim_form_data(text="New wording", claimant_name=claim.claimant.name, version=claim.version)
    response = fact_checker_client.post(reverse("claims:edit", args=[claim.pk]), data)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.text, claim.version, claim.updated_by) == ("New wording", 2, fact_checker)


def test_a_stale_edit_is_refused_and_shows_what_the_other_person_changed(client, fact_checker, editor):
    claim = ClaimFactory(text="Russian forces took Robotyne", priority=1)
    opened_version = claim.version

    client.force_login(editor)  # the editor saves first
    first = claim_form_data(
        text="Russian troops fully took Robotyne",
        claimant_name=claim.claimant.name,
        priority="3",
        version=opened_version,
    )
    assert client.post(reverse("claims:edit", args=[claim.pk]), first).status_code == 302

    client.force_login(fact_checker)  # the fact-checker's form was opened on the old version
    mine = claim_form_data(text="My wording", claimant_name=claim.claimant.name, version=opened_version)
    response = client.post(reverse("claims:edit", args=[claim.pk]), mine)
    page = response.content.decode()
    assert response.status_code == 409
    assert "saved this claim while you were editing" in page
    assert "Russian forces took Robotyne" in page and "Russian troops fully took Robotyne" in page
    assert "Urgent" in page  # the priority they set
    assert "My wording" in page  # nothing the fact-checker typed is lost
    claim.refresh_from_db()
    assert claim.text == "Russian troops fully took Robotyne" and claim.version == 2

    # Saving again, knowingly, goes through against the current version.
    mine["version"] = response.context["form"]["version"].value()
    assert client.post(reverse("claims:edit", args=[claim.pk]), mine).status_code == 302
    claim.refresh_from_db()
    assert (claim.text, claim.version) == ("My wording", 3)
    assert ClaimEvent.objects.filter(pgh_obj=claim, pgh_label="update").count() == 2


def test_duplicate_guard_finds_a_near_identical_claim(fact_checker_client):
    original = ClaimFactory(text="Russian air defences shot down 10 ATACMS missiles over Crimea overnight.")
    ClaimFactory(text="The United States will provide $2 billion in military financing.")
    response = fact_checker_client.get(
        reverse("claims:similar"), {"text": "Air defences shot down ten ATACMS missiles over Crimea"}
    )
    page = response.content.decode()
    assert original.text in page
    assert "military financing" not in page


def test_duplicate_guard_leaves_out_the_claim_being_edited(fact_checker_client):
    claim = ClaimFactory(text="Russian air defences shot down 10 ATACMS missiles over Crimea overnight.")
    response = fact_checker_client.get(reverse("claims:similar"), {"text": claim.text, "exclude": claim.pk})
    assert claim.text not in response.content.decode()


def test_claimant_suggestions_match_as_typed_including_cyrillic(fact_checker_client):
    ClaimantFactory(name="Генеральний штаб ЗСУ")
    ClaimantFactory(name="Russian Ministry of Defence")
    page = fact_checker_client.get(reverse("claims:claimant_suggest"), {"claimant_name": "генерал"}).content.decode()
    assert '<option value="Генеральний штаб ЗСУ">' in page and "Russian" not in page


def test_forms_need_a_desk_role(client, outsider):
    client.force_login(outsider)
    for url in [reverse("claims:create"), reverse("claims:similar"), reverse("claims:claimant_suggest")]:
        assert client.get(url).status_code == 403
    assert client.post(reverse("claims:create"), claim_form_data()).status_code == 403
    assert not Claim.objects.exists()


def test_anonymous_people_are_sent_to_log_in_from_the_forms(client):
    response = client.post(reverse("claims:create"), claim_form_data())
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Claim.objects.exists()


def test_choosing_an_affiliation_for_an_existing_claimant_is_explained_not_ignored(fact_checker_client):
    ministry = ClaimantFactory(name="Russian Ministry of Defence")
    other_side = AffiliationFactory(name="Ukrainian government")
    response = fact_checker_client.post(
        reverse("claims:create"),
        claim_form_data(claimant_name="Russian Ministry of Defence", new_claimant_affiliation=other_side.pk),
    )
    assert response.status_code == 422
    assert "already on the desk as" in response.content.decode()
    assert not Claim.objects.exists() and Claimant.objects.get().affiliation == ministry.affiliation


def test_a_conflict_also_shows_changed_tags(client, fact_checker, editor):
    claim = ClaimFactory(tags=["Crimea"])
    opened = claim.version
    client.force_login(editor)
    first = claim_form_data(
        text=claim.text, claimant_name=claim.claimant.name, tag_names="Crimea, air defence", version=opened
    )
    assert client.post(reverse("claims:edit", args=[claim.pk]), first).status_code == 302
    client.force_login(fact_checker)
    mine = claim_form_data(text="Mine", claimant_name=claim.claimant.name, version=opened, tags_seen="Crimea")
    response = client.post(reverse("claims:edit", args=[claim.pk]), mine)
    assert response.status_code == 409
    assert ("Tags", "Crimea", "Crimea, air defence") in response.context["conflict"]["changes"]


def test_a_claims_origin_on_a_look_alike_domain_is_stored_in_ascii(fact_checker_client):
    response = fact_checker_client.post(
        reverse("claims:create"),
        claim_form_data(origin_url="https://reut\u0435rs.com/world/1"),  # a Cyrillic e
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.origin_url == "https://xn--reutrs-6of.com/world/1"
    assert (
        'href="https://xn--reutrs-6of.com/world/1"'
        in fact_checker_client.get(claim.get_absolute_url()).content.decode()
    )


def test_an_origin_browsers_would_read_as_another_host_is_refused(fact_checker_client):
    response = fact_checker_client.post(reverse("claims:create"), claim_form_data(origin_url="https://taß.ru/1"))
    assert response.status_code == 422 and not Claim.objects.exists()


@pytest.mark.parametrize("parameter", ["claimant", "claimant_name"])
def test_the_claimant_typeahead_answers_a_nul_byte_with_a_400(fact_checker_client, parameter):
    ClaimantFactory(name="Ministry of Defence")
    response = fact_checker_client.get(reverse("claims:claimant_suggest"), {parameter: "Minis\x00"})
    assert response.status_code == 400 and b"<option" not in response.content


@pytest.mark.parametrize("quote", [MANY_WORDS, "a" * 10_001])
def test_a_quote_over_its_limit_is_a_form_error(fact_checker_client, quote):
    """A megabyte of words overflowed the search vector (a 500); one long word was stored."""
    response = fact_checker_client.post(reverse("claims:create"), claim_form_data(quote=quote))
    assert response.status_code == 422 and "at most 10000 characters" in response.content.decode()
    assert not Claim.objects.exists()


def test_a_quote_at_its_limit_is_taken(fact_checker_client):
    response = fact_checker_client.post(reverse("claims:create"), claim_form_data(quote=MANY_WORDS[:10_000]))
    assert response.status_code == 302 and len(Claim.objects.get().quote) == 10_000


@pytest.mark.parametrize("exclude", ["²", "-1", "99999999999999999999", "x"])
def test_duplicate_guard_copes_with_odd_ids(fact_checker_client, exclude):
    ClaimFactory(text="Russian air defences shot down ten missiles over Crimea")
    response = fact_checker_client.get(
        reverse("claims:similar"), {"text": "air defences shot down missiles", "exclude": exclude}
    )
    assert response.status_code == 200


def test_an_edit_without_its_version_is_refused_not_taken_for_a_conflict(fact_checker_client):
    claim = ClaimFactory(text="Unchanged")
    data = claim_form_data(text="Changed", claimant_name=claim.claimant.name)
    response = fact_checker_client.post(reverse("claims:edit", args=[claim.pk]), data)
    assert response.status_code == 422
    assert "open the edit page of this claim again" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).text == "Unchanged"


def test_claimed_on_has_no_default_and_is_required(fact_checker_client):
    page = fact_checker_client.get(reverse("claims:create")).content.decode()
    assert 'name="claimed_on"' in page and re.search(r'<input type="date" name="claimed_on"[^>]*required', page)
    assert not re.search(r'name="claimed_on" value=', page)  # not today's date, nor any other
    data = claim_form_data()
    del data["claimed_on"]
    response = fact_checker_client.post(reverse("claims:create"), data)
    assert response.status_code == 422 and "This field is required." in response.content.decode()
    assert not Claim.objects.exists()


@pytest.mark.parametrize("path", ["/claims/new/", "/settings/tokens/", "/webhooks/", "/inbox/settings/"])
def test_every_described_by_names_an_element_on_the_page(editor_client, path):
    """A screen reader reads a field's help and errors through aria-describedby: each id it names is there."""
    page = editor_client.get(path).content.decode()
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    named = {name for value in re.findall(r'aria-describedby="([^"]+)"', page) for name in value.split()}
    assert named <= ids, named - ids
    if path == "/claims/new/":
        assert "id_claimant_name_helptext" in named
