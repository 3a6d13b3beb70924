"""Hostile addresses in every URL field: the evidence address (which names the outlet), a claim's
origin, a claimant's website, and the article and appearance of an imported ClaimReview.

- Script-running schemes (javascript:, data:, file:, vbscript: and friends), however a browser
  would still read them (mixed case, leading controls and spaces, tabs and newlines inside,
  entity-encoded), are refused with nothing written; whatever is accepted is stored as http(s).
- Odd addresses never cause a 500.
- Look-alike host names (Cyrillic letters in a known outlet's domain) are stored and shown in
  their ASCII form (xn--…), so the reader sees a different host, and are never taken for the
  outlet they imitate. Spellings a browser reads as the same host (full-width letters, upper
  case, an ideographic full stop) are that outlet; characters that browsers and the desk would
  read differently (ß, ς, zero-width joiners) are refused.

Cases: one per hypothesis example (three tests) and per parametrised spelling.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from claims.links import parent_domains
from claims.models import Claim, Claimant, Outlet, Source
from tests.factories import claim_form_data
from tests.security.battery import BATTERY, browser_reading, count_case, nothing_written, serial

pytestmark = pytest.mark.django_db

SCHEME_BODIES = {
    "javascript": "alert(document.domain)",
    "data": "text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file": "///etc/passwd",
    "vbscript": "msgbox(1)",
    "jar": "https://example.org/x.jar!/",
    "blob": "https://example.org/1",
    "filesystem": "https://example.org/temporary/x",
    "view-source": "https://example.org/",
    "ftp": "//files.example.org/leak.txt",
    "mailto": "someone@example.org",
}
DANGEROUS = tuple(f"{scheme}:" for scheme in SCHEME_BODIES)
IGNORED_BY_BROWSERS = ["", "\t", "\n", "\r", "&#x09;", "&Tab;", "&#10;"]
COLONS = [":", ":", "&#58;", "&#x3a;", "&colon;", "%3A"]
LEADING = ["", " ", "\x00", "\x01", "\x1f", "\t\n ", "\u00a0", "\u200b", "\ufeff", "//"]


@st.composite
def hostile_urls(draw) -> str:
    scheme = draw(st.sampled_from(sorted(SCHEME_BODIES)))
    upper = draw(st.lists(st.booleans(), min_size=len(scheme), max_size=len(scheme)))
    spelled = "".join(letter.upper() if up else letter for letter, up in zip(scheme, upper, strict=True))
    position = draw(st.integers(0, len(spelled)))
    spelled = spelled[:position] + draw(st.sampled_from(IGNORED_BY_BROWSERS)) + spelled[position:]
    return draw(st.sampled_from(LEADING)) + spelled + draw(st.sampled_from(COLONS)) + SCHEME_BODIES[scheme]


# Characters that trip URL parsers: brackets, full-width delimiters, percent signs, dots, controls.
ODD_CHARACTERS = [*"[]@:/?#%\\.-_~ \t\x00\x7f", "\uff0f", "\uff03", "\uff1f", "\uff20", "\uff1a", "\u3002"]


def odd_urls():
    piece = st.text(alphabet=st.sampled_from([*ODD_CHARACTERS, "a", "b", "я", "ß"]), max_size=12)
    return st.one_of(
        st.builds(lambda host, rest: f"https://{host}{rest}", piece, piece),
        st.builds(lambda host: f"http://example.org/{host}", piece),
        st.text(max_size=30),
    )


def submit(battery_desk, field: str, url: str):
    """Send `url` through one of the desk's URL fields, as the person who may use it."""
    if field == "evidence":
        return battery_desk.client("fact_checker").post(
            reverse("claims:evidence_add", args=[battery_desk.open_claim.pk]),
            {"url": url, "kind": "article", "stance": "corroborates"},
        )
    if field == "claim origin":
        return battery_desk.client("fact_checker").post(
            reverse("claims:create"),
            claim_form_data(text=f"Claim {next(serial)}", claimant_name="A spokesman", origin_url=url),
        )
    if field == "claimant website":
        return battery_desk.client("editor").post(
            reverse("claims:claimant_update", args=[battery_desk.claim.claimant_id]), {"kind": "military", "url": url}
        )
    review = {
        "@type": "ClaimReview",
        "claimReviewed": f"Imported claim {next(serial)}",
        "url": f"https://factcheck.example.org/{next(serial)}",
        "itemReviewed": {"author": {"name": "A spokesman"}},
    }
    if field == "imported article":
        review["url"] = url
    else:
        review["itemReviewed"]["firstAppearance"] = {"url": url}
    upload = SimpleUploadedFile("review.json", json.dumps(review).encode(), content_type="application/json")
    return battery_desk.client("editor").post(reverse("claims:import"), {"file": upload})


URL_FIELDS = ["evidence", "claim origin", "claimant website", "imported article", "imported appearance"]


def refused(response) -> bool:
    if response.status_code == 200:  # the import page lists the item as rejected
        return "0 created, 0 skipped, 1 rejected" in response.content.decode()
    return 400 <= response.status_code < 500


def stored_urls() -> list[str]:
    return [
        *Source.objects.values_list("url", flat=True),
        *Source.objects.exclude(archive_url="").values_list("archive_url", flat=True),
        *Claim.objects.exclude(origin_url="").values_list("origin_url", flat=True),
        *Claimant.objects.exclude(url="").values_list("url", flat=True),
    ]


def assert_only_web_urls_stored() -> None:
    for url in stored_urls():
        assert url.startswith(("http://", "https://")) and url.isascii() and url.isprintable(), url


@given(field=st.sampled_from(URL_FIELDS), url=hostile_urls())
@BATTERY
def test_script_running_schemes_are_refused_in_every_url_field(battery_desk, field, url):
    count_case()
    if browser_reading(url).startswith(DANGEROUS):
        with nothing_written():
            response = submit(battery_desk, field, url)
        assert refused(response), (field, url, response.status_code)
    else:  # not a script address to any browser (a %3A is no colon): refused, or stored as http(s)
        response = submit(battery_desk, field, url)
        assert response.status_code < 500
    assert_only_web_urls_stored()


@given(field=st.sampled_from(URL_FIELDS), url=odd_urls())
@BATTERY
def test_odd_addresses_are_answered_never_with_a_500(battery_desk, field, url):
    count_case()
    response = submit(battery_desk, field, url)
    assert response.status_code < 500
    assert_only_web_urls_stored()


# Look-alike letters (Cyrillic and Greek) for Latin ones.
CONFUSABLES = {"a": "а", "c": "с", "e": "е", "i": "і", "o": "о", "p": "р", "r": "г", "s": "ѕ", "t": "т", "u": "υ"}


@st.composite
def look_alike_hosts(draw) -> tuple[str, str]:
    """(the known outlet's domain, a host that looks like it but is another)."""
    domain = draw(st.sampled_from(["reuters.com", "tass.ru"]))
    name, suffix = domain.split(".", 1)
    swappable = [index for index, letter in enumerate(name) if letter in CONFUSABLES]
    swapped = draw(st.sets(st.sampled_from(swappable), min_size=1))
    look_alike = "".join(CONFUSABLES[letter] if index in swapped else letter for index, letter in enumerate(name))
    return domain, draw(st.sampled_from(["", "www.", "edition."])) + f"{look_alike}.{suffix}"


@given(hosts=look_alike_hosts())
@BATTERY
def test_a_look_alike_domain_is_never_the_outlet_it_imitates(battery_desk, hosts):
    count_case()
    domain, look_alike = hosts
    known = Outlet.objects.get(domain=domain)
    known_sources = known.sources.count()
    path = f"/world/{next(serial)}"
    url = f"https://{look_alike}{path}"
    ascii_host = look_alike.encode("idna").decode().removeprefix("www.")

    assert submit(battery_desk, "evidence", url).status_code == 302
    source = Source.objects.get(url__endswith=path)
    assert source.outlet != known and source.outlet.affiliation is None  # so it never counts as independent
    # Its own outlet, or that of the look-alike's parent domain logged in an earlier example.
    assert source.outlet.domain in parent_domains(ascii_host) and source.url.isascii() and "xn--" in source.url
    for address in (
        reverse("claims:detail", args=[battery_desk.open_claim.pk]),
        reverse("claims:source", args=[source.pk]),
    ):
        html = battery_desk.client("fact_checker").get(address).content.decode()
        assert ascii_host in html and look_alike not in html

    assert submit(battery_desk, "claim origin", url).status_code == 302
    origin = Claim.objects.latest("pk").origin_url
    assert origin.isascii() and ascii_host in origin
    assert submit(battery_desk, "claimant website", url).status_code == 302
    website = Claimant.objects.get(pk=battery_desk.claim.claimant_id).url
    assert website.isascii() and ascii_host in website
    article = f"/fact-check/{next(serial)}"
    assert "1 created" in submit(battery_desk, "imported article", f"https://{look_alike}{article}").content.decode()
    assert Source.objects.get(url__endswith=article).outlet != known
    assert known.sources.count() == known_sources


@pytest.mark.parametrize(
    "spelling",
    [
        "https://REUTERS.COM/world/1",
        "https://www.reuters.com./world/1",
        "https://ｒｅｕｔｅｒｓ.com/world/1",
        "https://reuters。com/world/1",
        "https://edition.reuters.com/world/1",
    ],
)
def test_spellings_a_browser_reads_as_the_outlet_are_that_outlet(battery_desk, spelling):
    """A browser visits reuters.com for each of these, so they are Reuters, stored in plain ASCII."""
    count_case()
    assert submit(battery_desk, "evidence", spelling).status_code == 302
    source = Source.objects.get(url__contains="/world/1")
    assert source.outlet == battery_desk.reuters
    assert urlsplit(source.url).hostname in ("reuters.com", "www.reuters.com", "edition.reuters.com")


@pytest.mark.parametrize(
    "spelling",
    [
        "https://reuters.com.evil.example/world/1",
        "https://evilreuters.com/world/1",
        "https://reuters.com@evil.example/world/1",
        "https://evil.example/reuters.com/world/1",
        "https://reuters-com.example/world/1",
        "https://xn--reutrs-6of.com/world/1",
    ],
)
def test_addresses_that_only_mention_the_outlet_are_not_it(battery_desk, spelling):
    count_case()
    assert submit(battery_desk, "evidence", spelling).status_code == 302
    assert Source.objects.get(url__contains="/world/1").outlet not in (battery_desk.reuters, battery_desk.tass)


@pytest.mark.parametrize("spelling", ["https://taß.ru/world/1", "https://taς.ru/world/1", "https://ta\u200dss.ru/1"])
@pytest.mark.parametrize("field", URL_FIELDS)
def test_hosts_browsers_and_the_desk_would_read_differently_are_refused(battery_desk, field, spelling):
    """Python reads taß.ru as tass.ru (IDNA 2003); browsers visit another host (xn--ta-jia.ru)."""
    count_case()
    with nothing_written():
        response = submit(battery_desk, field, spelling)
    assert refused(response)
