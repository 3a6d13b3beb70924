"""The demo desk's data, and the affiliations and outlets it shares with the benchmark seeder.

`manage.py load_demo` (which `make run` runs) writes the demo desk from here, so this is product code
and stays in claims/; the benchmark seeder (bench/seeding.py) imports the sides and the well-known
outlets below instead of keeping a second list (docs/architecture.md, "Benchmarks and synthetic data").
Each row is a named record, so a reader sees what every value is.
"""

from __future__ import annotations

from typing import Literal, NamedTuple


class KnownAffiliation(NamedTuple):
    name: str
    description: str


class KnownOutlet(NamedTuple):
    domain: str
    name: str
    affiliation: str | None  # an AFFILIATIONS name; None: unknown, so never independent
    kind: Literal["news", "official", "platform"]


# The sides whose reporting independence is judged by (docs/architecture.md, "Independence").
AFFILIATIONS = [
    KnownAffiliation("Russian government", "Ministries, the Kremlin, the armed forces and state media of Russia."),
    KnownAffiliation(
        "Ukrainian government", "The presidential office, ministries, the armed forces and state media of Ukraine."
    ),
    KnownAffiliation("US government", "The White House, the State Department and other US federal bodies."),
    KnownAffiliation("Independent", "News organisations with no government control over their reporting."),
    KnownAffiliation(
        "Ukrainian, non-government", "Ukrainian civil-society and open-source projects outside the state."
    ),
    KnownAffiliation("Russian, non-government", "Russian exile media, bloggers and channels outside the state."),
    KnownAffiliation("Belarusian government", "The Belarusian state and its media."),
    KnownAffiliation("UK government", "The British government and its ministries."),
    KnownAffiliation("EU institutions", "The European Commission, Council and Parliament."),
    KnownAffiliation("International organisations", "The United Nations, the IAEA, the Red Cross and similar bodies."),
]

# Outlets every desk covering the war meets. The seeder generates regional outlets beside these.
KNOWN_OUTLETS = [
    KnownOutlet("tass.ru", "TASS", "Russian government", "news"),
    KnownOutlet("ria.ru", "RIA Novosti", "Russian government", "news"),
    KnownOutlet("rg.ru", "Rossiyskaya Gazeta", "Russian government", "news"),
    KnownOutlet("mil.ru", "Russian Ministry of Defence website", "Russian government", "official"),
    KnownOutlet("ukrinform.net", "Ukrinform", "Ukrainian government", "news"),
    KnownOutlet("mil.gov.ua", "Ukrainian Ministry of Defence website", "Ukrainian government", "official"),
    KnownOutlet("president.gov.ua", "Office of the President of Ukraine", "Ukrainian government", "official"),
    KnownOutlet("state.gov", "US Department of State", "US government", "official"),
    KnownOutlet("defense.gov", "US Department of Defense", "US government", "official"),
    KnownOutlet("gov.uk", "UK government", "UK government", "official"),
    KnownOutlet("belta.by", "BelTA", "Belarusian government", "news"),
    KnownOutlet("dpa.com", "dpa", "Independent", "news"),
    KnownOutlet("reuters.com", "Reuters", "Independent", "news"),
    KnownOutlet("apnews.com", "AP", "Independent", "news"),
    KnownOutlet("bbc.com", "BBC", "Independent", "news"),
    KnownOutlet("afp.com", "AFP", "Independent", "news"),
    KnownOutlet("theguardian.com", "The Guardian", "Independent", "news"),
    KnownOutlet("nytimes.com", "The New York Times", "Independent", "news"),
    KnownOutlet("dw.com", "Deutsche Welle", "Independent", "news"),
    KnownOutlet("france24.com", "France 24", "Independent", "news"),
    KnownOutlet("kyivindependent.com", "The Kyiv Independent", "Independent", "news"),
    KnownOutlet("pravda.com.ua", "Ukrainska Pravda", "Independent", "news"),
    KnownOutlet("suspilne.media", "Suspilne", "Independent", "news"),
    KnownOutlet("meduza.io", "Meduza", "Russian, non-government", "news"),
    KnownOutlet("novayagazeta.eu", "Novaya Gazeta Europe", "Russian, non-government", "news"),
    KnownOutlet("deepstatemap.live", "DeepState", "Ukrainian, non-government", "news"),
    KnownOutlet("iaea.org", "IAEA", "International organisations", "official"),
    KnownOutlet("ohchr.org", "UN Human Rights Office", "International organisations", "official"),
    KnownOutlet("ec.europa.eu", "European Commission", "EU institutions", "official"),
    KnownOutlet("t.me", "Telegram", None, "platform"),
    KnownOutlet("x.com", "X", None, "platform"),
    KnownOutlet("facebook.com", "Facebook", None, "platform"),
    KnownOutlet("youtube.com", "YouTube", None, "platform"),
]

AFFILIATION_BY_NAME = {affiliation.name: affiliation for affiliation in AFFILIATIONS}
OUTLET_BY_DOMAIN = {outlet.domain: outlet for outlet in KNOWN_OUTLETS}

# The demo desk holds only the sides and outlets its day needs, in this order (the rows it writes do
# not change when the seeder's lists grow).
DEMO_AFFILIATIONS = [
    AFFILIATION_BY_NAME[name]
    for name in (
        "Russian government",
        "Ukrainian government",
        "US government",
        "Independent",
        "Ukrainian, non-government",
    )
]
DEMO_OUTLETS = [
    OUTLET_BY_DOMAIN[domain]
    for domain in (
        "tass.ru",
        "ria.ru",
        "ukrinform.net",
        "state.gov",
        "dpa.com",
        "reuters.com",
        "apnews.com",
        "bbc.com",
        "deepstatemap.live",
    )
]
