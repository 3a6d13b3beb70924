"""Every spelling: Latin and Cyrillic, aliases and near spellings (claims/spelling.py; docs/architecture.md,
"Every spelling")."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims import spelling
from claims.models import Claim, Claimant, search_word_index
from tests.factories import ClaimantFactory, ClaimFactory, claim_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    ClaimantFactory(name="Vladimir Putin")
    ClaimantFactory(name="Serhiy Nykyforov", aliases=["Сергій Никифоров"])
    ClaimantFactory(name="Russian Ministry of Defence", aliases=["MoD", "Минобороны России"])
    ClaimantFactory(name="Antony Blinken")
    ClaimFactory(text="Russian troops have fully taken the village of Robotyne.")
    ClaimFactory(text="Дрони атакували Харків уночі.")
    ClaimFactory(text="Путин заявил об удвоении производства.")


def test_cyrillic_is_romanised_by_both_conventions():
    assert spelling.variants("Роботине") == ["Роботине", "Robotyne", "Robotine"]  # Ukrainian, then Russian
    assert spelling.variants("Путин") == ["Путин", "Putyn", "Putin"]  # read as Ukrainian, then as Russian
    assert spelling.variants("Robotyne 2024") == ["Robotyne 2024"]  # Latin stays as typed


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Роботине", "Robotyne"),  # Ukrainian Cyrillic finds the Latin spelling
        ("Robotyne", "Robotyne"),
        ("Харків", "Харків"),
        ("Kharkiv", "Харків"),  # Latin finds Cyrillic by the Ukrainian system (romanised in the vector)
        ("Putin", "Путин заявил"),  # and by the Russian one
        ("MoD", "Ten ATACMS"),  # a claimant's alias finds its claims
    ],
)
def test_search_matches_across_scripts(fact_checker_client, desk, typed, found):
    ClaimFactory(text="Ten ATACMS missiles were shot down.", claimant=Claimant.objects.get(name__startswith="Russian"))
    page = fact_checker_client.get(reverse("claims:list"), {"q": typed}).content.decode()
    assert found in page and "No claims match" not in page


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("Путин", "Vladimir Putin"),  # Russian Cyrillic
        ("Nikiforov", "Serhiy Nykyforov"),  # a near spelling of one word of the name
        ("Serhii Nyk", "Serhiy Nykyforov"),  # a near spelling of the start
        ("Никифоров", "Serhiy Nykyforov"),
        ("MoD", "Russian Ministry of Defence"),  # an alias
        ("Минобороны", "Russian Ministry of Defence"),
        ("Blinkin", "Antony Blinken"),
    ],
)
def test_the_claimant_typeahead_finds_every_spelling(fact_checker_client, desk, typed, offered):
    options = fact_checker_client.get(reverse("claims:claimant_suggest"), {"claimant": typed}).content.decode()
    assert f'<option value="{offered}"' in options
    assert f'label="{offered} ({typed})"' in options or typed.lower() in offered.lower()  # the browser shows it


def test_the_typeahead_offers_nothing_for_a_stranger(fact_checker_client, desk):
    options = fact_checker_client.get(reverse("claims:claimant_suggest"), {"claimant": "Zaluzhnyi"}).content
    assert b"<option" not in options


def test_a_claim_logged_under_an_alias_goes_to_the_known_claimant(fact_checker_client, desk):
    before = Claimant.objects.count()
    response = fact_checker_client.post(reverse("claims:create"), claim_form_data(claimant_name="mod", duplicate="new"))
    assert response.status_code == 302
    assert Claimant.objects.count() == before  # no second Ministry of Defence
    assert Claim.objects.latest("pk").claimant.name == "Russian Ministry of Defence"


def test_a_claim_is_found_by_an_alias_given_after_it_was_logged(fact_checker_client, desk):
    putin = Claimant.objects.get(name="Vladimir Putin")
    ClaimFactory(text="Arms production will double.", claimant=putin)
    assert "Arms production" not in fact_checker_client.get(reverse("claims:list"), {"q": "VVP"}).content.decode()
    putin.aliases = ["VVP"]
    putin.save()  # the claimant's trigger refreshes its claims' search vectors
    assert "Arms production" in fact_checker_client.get(reverse("claims:list"), {"q": "VVP"}).content.decode()


def test_the_list_filters_by_an_alias(fact_checker_client, desk):
    ClaimFactory(text="Ten ATACMS missiles were shot down.", claimant=Claimant.objects.get(name__startswith="Russian"))
    response = fact_checker_client.get(reverse("claims:list"), {"claimant": "Минобороны России"})
    assert response.status_code == 200 and "Ten ATACMS missiles were shot down." in response.content.decode()


def test_an_editor_sets_a_claimants_other_names_one_a_line(editor_client, desk):
    claimant = Claimant.objects.get(name="Vladimir Putin")
    data = {"kind": claimant.kind, "aliases": " Путин \r\nВладимир  Путин\r\n\r\nпутин\r\nVladimir Putin\r\nPutin V."}
    response = editor_client.post(reverse("claims:claimant_update", args=[claimant.pk]), data)
    assert response.status_code == 302
    claimant.refresh_from_db()
    assert claimant.aliases == ["Путин", "Владимир Путин", "Putin V."]  # trimmed, each once, not its own name
    assert claimant.events.order_by("-pgh_id").first().aliases == claimant.aliases  # audited like every edit
    page = editor_client.get(reverse("claims:claimant", args=[claimant.pk])).content.decode()
    assert "Also known as: Путин · Владимир Путин · Putin V." in page


def test_too_many_or_too_long_other_names_are_refused_beside_the_field(editor_client, desk):
    claimant = Claimant.objects.get(name="Vladimir Putin")
    for aliases in ("\n".join(f"Name {n}" for n in range(21)), "x" * 201):
        response = editor_client.post(
            reverse("claims:claimant_update", args=[claimant.pk]), {"kind": claimant.kind, "aliases": aliases}
        )
        assert response.status_code == 422 and 'id="id_aliases-error"' in response.content.decode()
    claimant.refresh_from_db()
    assert claimant.aliases == []


def test_fact_checkers_cannot_change_other_names(fact_checker_client, desk):
    claimant = Claimant.objects.get(name="Vladimir Putin")
    response = fact_checker_client.post(
        reverse("claims:claimant_update", args=[claimant.pk]), {"kind": claimant.kind, "aliases": "Putin"}
    )
    assert response.status_code == 403
    claimant.refresh_from_db()
    assert claimant.aliases == []


def test_the_typeahead_knows_a_name_given_a_moment_ago(fact_checker_client, desk):
    def offered(typed):
        return fact_checker_client.get(reverse("claims:claimant_suggest"), {"claimant": typed}).content.decode()

    assert "Vladimir Putin" not in offered("Vova Pootin")  # the near-spelling index is built here
    putin = Claimant.objects.get(name="Vladimir Putin")
    putin.aliases = ["Vova Putin"]
    putin.save()  # an audited write: the index is rebuilt on the next request
    assert '<option value="Vladimir Putin"' in offered("Vova Pootin")


def test_a_search_that_finds_nothing_offers_the_nearest_spelling_on_the_desk(fact_checker_client, desk):
    # "Работино" is the Russian spelling of Robotyne: no claim has it, in any script.
    page = fact_checker_client.get(reverse("claims:list"), {"q": "Работино", "status": "unverified"}).content.decode()
    assert "No claims match" in page
    assert 'Did you mean <a href="?status=unverified&amp;q=robotyne">robotyne</a>?' in page
    followed = fact_checker_client.get(reverse("claims:list"), {"q": "robotyne", "status": "unverified"})
    assert "village of Robotyne" in followed.content.decode()


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Работино", "robotyne"),
        ("Rabotino", "robotyne"),
        ("Harkiv", "харків"),  # near a Cyrillic word, through its Latin spelling
        ("Robotnye troops", "robotyne troops"),  # only the unknown word is replaced
    ],
)
def test_near_spellings_are_suggested_word_by_word(desk, typed, suggested):
    assert spelling_suggestion(typed) == suggested


@pytest.mark.parametrize("typed", ["Robotyne", "Роботине", "xyzzy", "war", "Robotyne 2024"])
def test_nothing_is_suggested_for_known_words_or_nothing_near(desk, typed):
    assert spelling_suggestion(typed) is None


def test_words_of_new_and_reworded_claims_are_suggested_at_once(fact_checker_client, desk):
    assert spelling_suggestion("Lukyantsy") is None
    claim = ClaimFactory(text="Units moved to new positions near Lukyantsi.")
    assert spelling_suggestion("Lukyantsy") == "lukyantsi"  # the process's index grew by the new words
    claim.text = "Units moved to new positions near Vovchansk."
    claim.save()
    assert spelling_suggestion("Vovchanks") == "vovchansk"


def test_no_suggestion_is_offered_when_the_search_finds_claims(fact_checker_client, desk):
    page = fact_checker_client.get(reverse("claims:list"), {"q": "Robotyne"}).content.decode()
    assert "Did you mean" not in page


def spelling_suggestion(typed: str) -> str | None:
    return search_word_index().suggestion(typed)


def test_quotes_names_and_aliases_are_words_of_the_desk_too(desk):
    ClaimFactory(text="Drones were shot down.", quote="Мы сбили беспилотники над Белгородом")
    known = search_word_index()
    assert known.has_every_word("Belgorodom")  # a quote's word, in Latin letters
    assert known.has_every_word("Nykyforov") and known.has_every_word("Минобороны")  # a name, an alias
    assert not known.has_every_word("Rabotino")


def test_a_cyrillic_search_asks_only_for_spellings_the_desk_has(desk):
    # "Работино" read in Latin letters is nothing on the desk: only the Cyrillic word is searched for,
    # so PostgreSQL asks the index instead of reading every claim (docs/architecture.md, "Every spelling").
    sql = str(Claim.objects.search("Работино").query)
    assert "rabot" not in sql
    assert "Robotyne" in str(Claim.objects.search("Роботине").query)
