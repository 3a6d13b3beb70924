"""The intake page, /intake/ (intake/views.py, docs/intake.md): a wire story in, candidate claims out, the
ticked ones logged in one transaction through claims.workflow.claims_log_from_story.

The stories here are short and written for these tests; what they assert holds for any reasonable
extractor (a claimant on the desk is found, a sentence becomes a candidate), never an exact wording.
"""

from __future__ import annotations

import datetime as dt
import gzip
import html
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.models import Appearance, Claim, Claimant, ClaimEvent, Evidence, Source, Stance
from intake.extraction import extract
from tests.capture_server import Page
from tests.factories import ClaimantFactory, ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLISHED = dt.date(2024, 5, 15)
STORY_URL = "https://www.wire.example.org/world/2024/05/15/crimea-missiles"
STORY = (
    "KYIV, May 15 (wire) - Russia's Defence Ministry said on Wednesday its air defences had shot down 10 US-made"
    " ATACMS missiles over Crimea overnight. The claim could not be independently verified.\n\n"
    "Ukraine's General Staff said in a statement on Facebook that its units had moved to more advantageous"
    " positions near the town of Vovchansk.\n\n"
    "Serhiy Nykyforov, a spokesman for the Ukrainian president, said Volodymyr Zelensky had cancelled all his"
    " foreign trips for the coming days."
)
NO_ATTRIBUTION = (
    "Heavy rain fell over the region on Tuesday. Roads near the river were closed for several hours. The water"
    " level began to fall by the evening."
)


@pytest.fixture
def ministry(db):
    """The claimant the story's first sentence quotes, on the desk under its own name and the story's."""
    return ClaimantFactory(name="Russian Ministry of Defence", aliases=["Russia's Defence Ministry", "Russian MoD"])


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count() for model in (Claim, Claimant, Source, Evidence, Appearance, ClaimEvent)
    }


def find(client, text: str = STORY, **fields):
    """Post a story to the page, as "Find claims" does."""
    return client.post(reverse("intake:story"), {"text": text, "published": "2024-05-15", **fields})


def log_data(page, **changes) -> dict:
    """What "Log ticked claims" posts for the candidates `page` shows, as the browser sends it; `changes`
    set fields of a card ("1-text": candidate 1's claim) or of the story ("url")."""
    story, candidates = page.context["story"], page.context["candidates"]
    data = {f"story-{name}": _posted(value) for name, value in story.initial.items()}
    data.update({f"{candidates.prefix}-{key}": value for key, value in candidates.management_form.initial.items()})
    for form in candidates.forms:
        for name, value in form.initial.items():
            if name == "log" and not value:
                continue
            data[form.add_prefix(name)] = _posted(value)
    for key, value in changes.items():
        card, _, name = key.partition("-")
        target = f"{candidates.prefix}-{int(card) - 1}-{name}" if card.isdigit() else f"story-{key}"
        if value is None:
            data.pop(target, None)  # an unticked box is not sent at all
        else:
            data[target] = value
    return data


def _posted(value) -> str:
    if value is True:
        return "on"
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def message_of(response) -> str:
    return str(next(iter(response.context["messages"])))


def cards(page) -> list:
    return page.context["cards"]


def card_for(page, claimant: str):
    found = [card for card in cards(page) if card.form.initial["claimant_name"] == claimant]
    assert found, f"no candidate credited to {claimant}: {[c.form.initial['claimant_name'] for c in cards(page)]}"
    return found[0]


# --- Who may use it -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["intake:story", "intake:log"])
def test_anonymous_people_are_sent_to_sign_in(client, name):
    before = counts()
    response = client.post(reverse(name), {"text": STORY, "published": "2024-05-15"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("intake:story")).status_code == 302
    assert counts() == before


@pytest.mark.parametrize("name", ["intake:story", "intake:log"])
def test_an_account_without_a_desk_role_is_refused(client, outsider, name):
    client.force_login(outsider)
    before = counts()
    assert client.post(reverse(name), {"text": STORY, "published": "2024-05-15"}).status_code == 403
    assert counts() == before


def test_a_desk_member_whose_role_cannot_log_claims_is_refused(client):
    reader = UserFactory(username="reader")
    reader.user_permissions.add(Permission.objects.get(codename="view_claim"))  # reads the desk, logs nothing
    client.force_login(reader)
    response = client.get(reverse("intake:story"))
    assert response.status_code == 403 and "Your role cannot log claims." in response.content.decode()
    assert find(client).status_code == 403
    assert 'href="/intake/"' not in client.get(reverse("claims:list")).content.decode()


def test_the_form_and_the_navigation(fact_checker_client):
    response = fact_checker_client.get(reverse("intake:story"))
    page = response.content.decode()
    assert response.status_code == 200
    for label in ("Story text", "Or its address", "Published on", "Dateline place", "Story title", "Find claims"):
        assert label in page
    assert '<a href="/intake/" aria-current="page">Intake</a>' in page


# --- Reading a story ------------------------------------------------------------------------------------


def test_a_story_shows_its_candidates_beside_it_and_writes_nothing(fact_checker_client, ministry):
    before = counts()
    response = find(fact_checker_client, dateline="Kyiv")
    assert response.status_code == 200
    assert counts() == before
    page = response.content.decode()
    card = card_for(response, "Russian Ministry of Defence")
    assert card.known_claimant and "Claimant on the desk" in page
    assert card.form.initial["log"] is True  # ticked by default
    assert card.form.initial["claimed_on"] == dt.date(2024, 5, 15)  # "on Wednesday" in a story of Wednesday 15 May
    assert "ATACMS" in card.form.initial["text"]
    # Its sentence is marked in the story, which is shown as it was read.
    assert '<mark class="story-mark">' in page and 'href="#candidate-1"' in page
    assert html.escape(card.sentence) in page
    assert "Log ticked claims" in page


def test_the_story_and_the_candidates_are_escaped(fact_checker_client):
    story = 'The ministry said on Wednesday that <script>alert("x")</script> its forces had taken the village.'
    response = find(fact_checker_client, text=story)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_a_story_that_credits_nobody_says_so(fact_checker_client):
    response = find(fact_checker_client, text=NO_ATTRIBUTION)
    page = response.content.decode()
    assert response.status_code == 200
    assert "No attributed claims were found in this story" in page
    assert cards(response) == []
    assert "Unattributed statements" in page and "Heavy rain fell over the region on Tuesday." in page
    assert "Log ticked claims" not in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"text": ""}, "text", "Paste the story's text, or give its address below."),
        ({"text": "   \n  "}, "text", "Paste the story's text, or give its address below."),
        ({"text": "x" * 1_048_576}, "text", "This story is 1,048,576 characters long; intake reads up to 100,000."),
        ({"text": "The ministry said\x00 on Wednesday that it was so."}, "text", "NUL bytes"),
        ({"text": "".join(chr(1 + code % 31) for code in range(3000))}, "text", "does not read as text"),
        ({"published": ""}, "published", "Give the day the story was published"),
        ({"published": "2024-13-45"}, "published", "Enter a valid date."),
        ({"published": "2999-01-01"}, "published", "A story cannot be published in the future"),
        ({"url": "ftp://files.example.org/story.txt", "text": ""}, "url", "Only http:// and https://"),
        ({"url": "javascript:alert(1)", "text": ""}, "url", "Only http:// and https://"),
    ],
)
def test_bad_input_is_explained_beside_its_field_and_nothing_is_written(fact_checker_client, fields, field, message):
    before = counts()
    response = find(fact_checker_client, **fields)
    assert response.status_code == 422
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert html.escape(message) in response.content.decode()
    assert counts() == before


def ministry_story(sentences: int) -> str:
    return " ".join(
        f"Russia's Defence Ministry said on Wednesday that its forces had taken village {n}." for n in range(sentences)
    )


def test_the_page_around_the_extractor_costs_the_same_queries_for_few_and_many_candidates(
    fact_checker_client, ministry
):
    """What the page adds to the extractor's own reading (the offered duplicates and the known claimants
    are each read once) does not grow with the candidates."""
    for n in range(30):  # claims on the desk for the duplicates to be found among
        ClaimFactory(claimant=ministry, text=f"Russian forces have taken village {n}.")
    added = {}
    for sentences in (2, 25):
        text = ministry_story(sentences)
        extract(text, PUBLISHED)  # the extractor's registry of claimants read once, as for any later request
        with CaptureQueriesContext(connection) as reading:
            extract(text, PUBLISHED)
        with CaptureQueriesContext(connection) as page:
            response = find(fact_checker_client, text=text)
        assert len(cards(response)) >= sentences - 1
        assert any(card.duplicates for card in cards(response))  # some offered, so they are read
        added[sentences] = len(page) - len(reading)
    assert added[25] == added[2], added


def test_the_extract_page_costs_the_same_queries_for_few_and_many_candidates(
    fact_checker_client, ministry, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14) as few:
        assert len(cards(find(fact_checker_client, text=ministry_story(2)))) >= 2
    with django_assert_max_num_queries(len(few)):
        assert len(cards(find(fact_checker_client, text=ministry_story(25)))) >= 20


# --- A story from its address ---------------------------------------------------------------------------


ARTICLE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Russia says it downed ten ATACMS over Crimea | Wire</title></head>
<body><nav>World · Europe · Ukraine</nav><article><h1>Russia says it downed ten ATACMS over Crimea</h1>
{"".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in STORY.split(chr(10) + chr(10)))}
</article><footer>© Wire</footer></body></html>"""


def test_a_story_is_fetched_from_its_address_with_its_title(fact_checker_client, ministry, site):
    site.pages["/story.html"] = Page(ARTICLE.encode())
    before = counts()
    response = find(fact_checker_client, text="", url=site.url("/story.html"))
    assert response.status_code == 200, response.context["form"].errors
    assert counts() == before
    card_for(response, "Russian Ministry of Defence")
    story = response.context["story"]
    assert story.initial["url"] == site.url("/story.html")
    assert "ATACMS over Crimea" in story.initial["title"]
    assert "World · Europe" not in story.initial["text"]  # the main text, not the page's menus


def test_with_text_and_an_address_the_text_is_read_and_the_address_kept(fact_checker_client, ministry, site):
    response = find(fact_checker_client, url=site.url("/story.html"))
    assert response.status_code == 200
    assert site.requests == []  # nothing fetched
    assert response.context["story"].initial["url"] == site.url("/story.html")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "The server answered 404 Not Found"),
        ("/pixel.png", "This address is not a web page (image/png)"),
        ("/empty.html", "The page has no story text the desk could find"),
    ],
)
def test_an_address_without_a_story_is_explained_beside_it(fact_checker_client, site, path, message):
    site.pages["/empty.html"] = Page(b"<!doctype html><html><head><title>x</title></head><body></body></html>")
    before = counts()
    response = find(fact_checker_client, text="", url=site.url(path))
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors["url"])
    assert counts() == before


def test_a_private_address_is_not_fetched(fact_checker_client, settings):
    settings.CAPTURE_ALLOW_PRIVATE_NETWORKS = False
    response = find(fact_checker_client, text="", url="http://127.0.0.1:9/story.html")
    assert response.status_code == 422
    assert "The desk only fetches public addresses." in " ".join(response.context["form"].errors["url"])


# --- Logging --------------------------------------------------------------------------------------------


def test_ticked_candidates_are_logged_with_the_story_as_their_context_source(
    fact_checker_client, fact_checker, ministry
):
    page = find(fact_checker_client, url=STORY_URL, title="Russia says it downed ten ATACMS")
    ticked = len(cards(page))
    assert ticked >= 2
    before = counts()
    response = fact_checker_client.post(reverse("intake:log"), log_data(page), follow=True)
    assert response.redirect_chain == [(reverse("claims:list"), 302)]
    logged = list(Claim.objects.filter(created_by=fact_checker).order_by("pk"))
    assert len(logged) == ticked
    message = message_of(response)
    assert message.startswith(f"Logged {ticked} claims (#{logged[0].pk}, ")
    assert message.endswith("from the story; the story is linked to each claim as context.")
    source = Source.objects.get()
    assert (source.url, source.title, source.added_by) == (STORY_URL, "Russia says it downed ten ATACMS", fact_checker)
    assert source.outlet.domain == "wire.example.org"  # recognised from the address, as any source's outlet is
    for claim, card in zip(logged, cards(page), strict=True):
        assert claim.text == card.form.initial["text"] and claim.claimed_on == card.form.initial["claimed_on"]
        evidence = Evidence.objects.get(claim=claim)
        assert (evidence.source, evidence.stance, evidence.repeats_claimant) == (source, Stance.CONTEXT, False)
        assert evidence.excerpt == card.sentence
    assert Claim.objects.get(pk=logged[0].pk).claimant == ministry  # the desk's claimant, not a new one
    # One audit entry for each claim (its logging), the links recorded beside them.
    after = counts()
    assert after["ClaimEvent"] - before["ClaimEvent"] == ticked
    assert ClaimEvent.objects.filter(pgh_obj__in=logged, pgh_label="insert").count() == ticked


def test_the_audit_page_shows_one_entry_for_a_claim_logged_from_a_story(fact_checker_client, editor_client, ministry):
    page = find(fact_checker_client, url=STORY_URL)
    fact_checker_client.post(reverse("intake:log"), log_data(page))
    claim = Claim.objects.filter(claimant=ministry).get()
    response = editor_client.get(reverse("claims:claim_history", args=[claim.pk]))
    entries = response.context["entries"]
    assert [entry.what for entry in entries].count("Claim") == 1
    assert any(entry.what == "Evidence" and entry.action == "added" for entry in entries)


def test_edited_and_unticked_cards_are_logged_as_edited_and_not_at_all(fact_checker_client, ministry):
    page = find(fact_checker_client, url=STORY_URL)
    number = cards(page).index(card_for(page, "Russian Ministry of Defence")) + 1
    changes = {f"{card.number}-log": None for card in cards(page) if card.number != number}
    changes |= {
        f"{number}-text": "Russian air defences downed ten ATACMS missiles over Crimea.",
        f"{number}-claimant_name": "Russian Air Defence Forces",
        f"{number}-new_claimant_kind": "military",
        f"{number}-claimed_on": "2024-05-14",
        f"{number}-quote": "ten ATACMS",
    }
    response = fact_checker_client.post(reverse("intake:log"), log_data(page, **changes))
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert (claim.text, claim.claimed_on, claim.quote) == (
        "Russian air defences downed ten ATACMS missiles over Crimea.",
        dt.date(2024, 5, 14),
        "ten ATACMS",
    )
    assert (claim.claimant.name, claim.claimant.kind) == ("Russian Air Defence Forces", "military")


def test_a_story_without_an_address_is_logged_without_a_source(fact_checker_client, ministry):
    page = find(fact_checker_client)
    assert "This story has no address" in page.content.decode()
    response = fact_checker_client.post(reverse("intake:log"), log_data(page), follow=True)
    assert Claim.objects.count() == len(cards(page)) and Source.objects.count() == Evidence.objects.count() == 0
    assert "The story was not linked to them because it has no address." in message_of(response)


def test_an_address_given_on_the_candidates_step_links_the_story(fact_checker_client, ministry):
    page = find(fact_checker_client)
    fact_checker_client.post(reverse("intake:log"), log_data(page, url=STORY_URL))
    assert Source.objects.get().url == STORY_URL
    assert Evidence.objects.count() == Claim.objects.count() == len(cards(page))


def test_a_candidate_that_repeats_a_claim_on_the_desk_can_be_added_as_its_appearance(fact_checker_client, ministry):
    original = ClaimFactory(
        claimant=ministry, text="Russian air defences shot down 10 US-made ATACMS missiles over Crimea overnight."
    )
    page = find(fact_checker_client, url=STORY_URL)
    card = card_for(page, "Russian Ministry of Defence")
    assert original in card.duplicates
    assert f"Add as an appearance of #{original.pk}" in page.content.decode()
    before = counts()
    response = fact_checker_client.post(
        reverse("intake:log"), log_data(page, **{f"{card.number}-duplicate": str(original.pk)}), follow=True
    )
    appearance = Appearance.objects.get()
    assert (appearance.claim, appearance.claimant, appearance.origin_url) == (original, ministry, STORY_URL)
    assert appearance.appeared_on == card.form.initial["claimed_on"]
    others = len(cards(page)) - 1
    assert Claim.objects.count() == before["Claim"] + others  # the rest logged new
    assert not Evidence.objects.filter(claim=original).exists()
    assert f"1 appearance (of #{original.pk})" in message_of(response)


def test_one_refused_candidate_logs_nothing_and_says_which(fact_checker_client, ministry, editor):
    original = ClaimFactory(
        claimant=ministry, text="Russian air defences shot down 10 US-made ATACMS missiles over Crimea overnight."
    )
    page = find(fact_checker_client, url=STORY_URL)
    card = card_for(page, "Russian Ministry of Defence")
    assert card.number == 1 and len(cards(page)) >= 2
    # Meanwhile an editor merges the claim offered as the original into another one.
    Claim.objects.filter(pk=original.pk).update(merged_into=ClaimFactory(), merged_at=timezone.now())
    last = len(cards(page))
    edited = "Zelensky called off his foreign trips, his spokesman said."
    before = counts()
    response = fact_checker_client.post(
        reverse("intake:log"),
        log_data(page, **{f"{last}-duplicate": "new", f"{last}-text": edited, "1-duplicate": str(original.pk)}),
    )
    assert response.status_code == 409
    assert counts() == before  # the candidates before and after it were not logged either
    body = response.content.decode()
    assert "Candidate 1 (“" in body and "was refused, so nothing was logged" in body
    assert "was merged into #" in " ".join(response.context["cards"][0].form.errors["duplicate"])
    assert html.escape(edited) in body  # what she typed is kept


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Write the claim as one sentence, or untick this card."), ("x" * 1001, "at most 1000 characters")],
)
def test_a_ticked_card_with_a_bad_claim_logs_nothing(fact_checker_client, ministry, text, message):
    page = find(fact_checker_client, url=STORY_URL)
    before = counts()
    response = fact_checker_client.post(reverse("intake:log"), log_data(page, **{"2-text": text}))
    assert response.status_code == 422
    assert counts() == before
    assert message in " ".join(response.context["cards"][1].form.errors["text"])
    assert "Candidate 2 (“" in response.content.decode()


def test_a_card_without_a_claimant_or_a_date_logs_nothing(fact_checker_client, ministry):
    page = find(fact_checker_client, url=STORY_URL)
    before = counts()
    response = fact_checker_client.post(
        reverse("intake:log"), log_data(page, **{"1-claimant_name": " ", "1-claimed_on": ""})
    )
    assert response.status_code == 422
    assert counts() == before
    errors = response.context["cards"][0].form.errors
    assert errors["claimant_name"] == ["Name who made the claim."]
    assert errors["claimed_on"] == ["Give the day it was claimed."]


def test_logging_with_nothing_ticked_is_refused(fact_checker_client, ministry):
    page = find(fact_checker_client, url=STORY_URL)
    before = counts()
    response = fact_checker_client.post(
        reverse("intake:log"), log_data(page, **{f"{card.number}-log": None for card in cards(page)})
    )
    assert response.status_code == 422
    assert "Tick at least one candidate to log" in response.content.decode()
    assert counts() == before


def test_an_address_refused_on_the_candidates_step_logs_nothing(fact_checker_client, ministry):
    page = find(fact_checker_client)
    before = counts()
    response = fact_checker_client.post(reverse("intake:log"), log_data(page, url="javascript:alert(1)"))
    assert response.status_code == 422
    assert "Only http:// and https://" in " ".join(response.context["story"].errors["url"])
    assert counts() == before


def test_an_appearance_of_a_claim_the_desk_did_not_offer_is_refused(fact_checker_client, ministry):
    page = find(fact_checker_client, url=STORY_URL)
    elsewhere = ClaimFactory()
    before = counts()
    response = fact_checker_client.post(reverse("intake:log"), log_data(page, **{"1-duplicate": str(elsewhere.pk)}))
    assert response.status_code == 422
    assert counts() == before


def test_every_aria_describedby_names_an_element_on_the_page(fact_checker_client, ministry):
    """A field's help is read out through aria-describedby, on the form and on every candidate's card."""
    pages = [fact_checker_client.get(reverse("intake:story")), find(fact_checker_client, url=STORY_URL)]
    for response in pages:
        page = response.content.decode()
        named = {name for value in re.findall(r'aria-describedby="([^"]+)"', page) for name in value.split()}
        assert named, "no field described"
        missing = {name for name in named if f'id="{name}"' not in page}
        assert not missing, missing


def test_a_compressed_page_that_inflates_past_the_limit_is_refused_beside_the_address(fact_checker_client, site):
    """A decompression bomb: 50 MB of spaces sent as 50 KB of gzip are stopped at the intake's 5 MB."""
    site.pages["/bomb.html"] = Page(gzip.compress(b" " * (50 * 1024 * 1024)), headers={"Content-Encoding": "gzip"})
    before = counts()
    response = find(fact_checker_client, text="", url=site.url("/bomb.html"))
    assert response.status_code == 422
    assert "larger than the 5 MB" in " ".join(response.context["form"].errors["url"])
    assert counts() == before


def test_a_gzip_page_is_read_as_the_page(fact_checker_client, ministry, site):
    site.pages["/story.html"] = Page(gzip.compress(ARTICLE.encode()), headers={"Content-Encoding": "gzip"})
    response = find(fact_checker_client, text="", url=site.url("/story.html"))
    assert response.status_code == 200, response.context["form"].errors
    card_for(response, "Russian Ministry of Defence")


def test_a_candidate_whose_claimant_the_story_never_names_waits_unticked(fact_checker_client):
    response = find(fact_checker_client, text="The ministry said that 17 drones had been shot down over Belgorod.")
    assert response.status_code == 200
    [card] = cards(response)
    assert card.form.initial["log"] is False and card.form.initial["claimant_name"] == ""
    assert "Who said it?" in response.content.decode()
