"""The demo desk's data, and the affiliations and outlets it shares with the benchmark seeder.

`manage.py load_demo` (which `make run` runs) writes the demo desk from here: one real day of the war in
Ukraine, Wednesday 15 May 2024 (ISO week 2024-W20). It is product code and stays in claims/; the
benchmark seeder (bench/seeding.py) imports the sides and the well-known outlets below instead of keeping
a second list (docs/architecture.md, "Benchmarks and synthetic data"). Every row is a named record, so
a reader sees what each value is and a new field cannot shift the others.

The claims are real attributions written in the desk's own words; the source links use each outlet's
real domain (so outlet recognition and independence show) with illustrative paths under /demo-example/,
not real articles. Two claims come from unnamed accounts and are illustrative (README, "The demo desk").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

from claims.models import ClaimantKind, Decision, Priority, SourceKind, Stance, Status
from claims.roles import EDITORS, FACT_CHECKERS


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


# --- The demo day ----------------------------------------------------------------------------------

KYIV = ZoneInfo("Europe/Kyiv")


def kyiv(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in May 2024, Kyiv time."""
    return dt.datetime(2024, 5, day, hour, minute, tzinfo=KYIV)


class DemoUser(NamedTuple):
    username: str
    password: str  # published in the README: load_demo runs only with DEBUG on
    first_name: str
    last_name: str
    group: str  # FACT_CHECKERS or EDITORS
    is_staff: bool  # may open the Django admin


class DemoClaimant(NamedTuple):
    name: str
    kind: ClaimantKind
    affiliation: str | None  # a DEMO_AFFILIATIONS name; None: unknown
    description: str = ""
    aliases: tuple[str, ...] = ()  # other names and spellings, in any script


class DemoEvidence(NamedTuple):
    domain: str  # a DEMO_OUTLETS domain
    slug: str  # the example address's last part (url)
    title: str
    stance: Stance
    repeats_claimant: bool
    excerpt: str

    @property
    def url(self) -> str:
        """An example address on the outlet's real domain, not a real article."""
        return f"https://www.{self.domain}/demo-example/2024-05-15-{self.slug}"


class DemoReview(NamedTuple):
    proposed_status: Status
    proposed_by: str  # a USERS username
    proposed_at: dt.datetime
    rationale: str
    decision: Decision
    decided_by: str | None = None  # a USERS username; None while pending
    decided_at: dt.datetime | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class DemoClaim:
    text: str
    claimant: str  # a CLAIMANTS name
    claimed_on: dt.date
    created_at: dt.datetime
    tags: list[str]
    evidence: list[DemoEvidence]
    reviews: list[DemoReview] = field(default_factory=list)  # in the order they were made
    claimed_time: dt.time | None = None
    event_on: dt.date | None = None
    event_place: str = ""
    origin_url: str = ""
    quote: str = ""
    priority: Priority = Priority.NORMAL
    assignee: str | None = None  # a USERS username


USERS = [
    DemoUser(
        username="factchecker",
        password="factcheck-demo-2024",
        first_name="Olena",
        last_name="Marchenko",
        group=FACT_CHECKERS,
        is_staff=False,
    ),
    DemoUser(
        username="editor",
        password="editor-demo-2024",
        first_name="Daniel",
        last_name="Weber",
        group=EDITORS,
        is_staff=True,
    ),
]

CLAIMANTS = [
    DemoClaimant(
        name="Serhiy Nykyforov",
        kind=ClaimantKind.OFFICIAL,
        affiliation="Ukrainian government",
        description="Spokesman of the President of Ukraine.",
        aliases=("Сергій Никифоров", "Sergei Nikiforov"),
    ),
    DemoClaimant(
        name="General Staff of the Armed Forces of Ukraine",
        kind=ClaimantKind.MILITARY,
        affiliation="Ukrainian government",
        aliases=("Генштаб ЗСУ", "Ukrainian General Staff"),
    ),
    DemoClaimant(
        name="Russian Ministry of Defence",
        kind=ClaimantKind.GOVERNMENT_BODY,
        affiliation="Russian government",
        aliases=("MoD", "Russian MoD", "Минобороны России", "Міноборони РФ"),
    ),
    DemoClaimant(
        name="Vladimir Putin",
        kind=ClaimantKind.OFFICIAL,
        affiliation="Russian government",
        description="President of Russia.",
        aliases=("Владимир Путин",),
    ),
    DemoClaimant(
        name="Antony Blinken",
        kind=ClaimantKind.OFFICIAL,
        affiliation="US government",
        description="US Secretary of State.",
    ),
    DemoClaimant(name="US Department of State", kind=ClaimantKind.GOVERNMENT_BODY, affiliation="US government"),
    DemoClaimant(
        name="Front-line reports and analysts",
        kind=ClaimantKind.OTHER,
        affiliation=None,
        description="Several reports; no single author.",
    ),
    DemoClaimant(
        name="Anonymous Telegram channel",
        kind=ClaimantKind.SOCIAL_ACCOUNT,
        affiliation=None,
        description="Illustrative: an unnamed account.",
    ),
    DemoClaimant(
        name="Pro-Russian war blogger",
        kind=ClaimantKind.SOCIAL_ACCOUNT,
        affiliation=None,
        description="Illustrative: an unnamed account.",
    ),
]

CLAIMS = [
    DemoClaim(
        text="President Zelensky has cancelled all his foreign trips for the coming days.",
        claimant="Serhiy Nykyforov",
        claimed_on=dt.date(2024, 5, 15),
        origin_url="https://www.president.gov.ua/demo-example/2024-05-15-trips",
        priority=Priority.HIGH,
        tags=["Zelensky", "diplomacy", "Kharkiv offensive"],
        created_at=kyiv(15, 9, 20),
        evidence=[
            DemoEvidence(
                domain="reuters.com",
                slug="zelensky-cancels-trips",
                title="Zelensky calls off foreign trips as Russia presses in the north-east",
                stance=Stance.CORROBORATES,
                repeats_claimant=False,
                excerpt="The president's office said all foreign visits in the coming days were off.",
            ),
            DemoEvidence(
                domain="apnews.com",
                slug="zelensky-postpones-travel",
                title="Ukraine's leader postpones travel amid Kharkiv fighting",
                stance=Stance.CORROBORATES,
                repeats_claimant=False,
                excerpt="Trips planned for the end of the week will not take place.",
            ),
            DemoEvidence(
                domain="ukrinform.net",
                slug="president-trips",
                title="Presidential spokesman: foreign trips postponed",
                stance=Stance.CORROBORATES,
                repeats_claimant=True,
                excerpt="Relays the spokesman's statement.",
            ),
        ],
        reviews=[
            DemoReview(
                proposed_status=Status.CONFIRMED,
                proposed_by="factchecker",
                proposed_at=kyiv(15, 13, 5),
                rationale="Two independent agencies (Reuters, AP) report the cancellation directly from the president's office.",
                decision=Decision.APPROVED,
                decided_by="editor",
                decided_at=kyiv(15, 14, 30),
            ),
        ],
    ),
    DemoClaim(
        text="President Zelensky had been due to visit Spain and Portugal at the end of the week.",
        claimant="Serhiy Nykyforov",
        claimed_on=dt.date(2024, 5, 15),
        event_place="Spain and Portugal",
        tags=["Zelensky", "diplomacy"],
        created_at=kyiv(15, 9, 35),
        evidence=[
            DemoEvidence(
                domain="bbc.com",
                slug="zelensky-spain-portugal",
                title="Zelensky's Iberian visit called off",
                stance=Stance.CORROBORATES,
                repeats_claimant=False,
                excerpt="Madrid and Lisbon had been preparing for the visit.",
            ),
        ],
        reviews=[
            DemoReview(
                proposed_status=Status.CORROBORATED,
                proposed_by="factchecker",
                proposed_at=kyiv(15, 15, 0),
                rationale="One independent outlet confirms the planned visits; the host governments have not commented yet.",
                decision=Decision.APPROVED,
                decided_by="editor",
                decided_at=kyiv(15, 16, 10),
            ),
        ],
    ),
    DemoClaim(
        text="Russian forces have captured several villages in the Kharkiv region since their offensive began on 10 May.",
        claimant="Front-line reports and analysts",
        claimed_on=dt.date(2024, 5, 13),
        event_on=dt.date(2024, 5, 10),
        event_place="Kharkiv region",
        priority=Priority.URGENT,
        assignee="factchecker",
        tags=["Kharkiv offensive", "front line"],
        created_at=kyiv(13, 10, 0),
        evidence=[
            DemoEvidence(
                domain="deepstatemap.live",
                slug="kharkiv-north",
                title="Map update: Russian advance north of Kharkiv",
                stance=Stance.CORROBORATES,
                repeats_claimant=False,
                excerpt="Several border villages shaded as occupied.",
            ),
            DemoEvidence(
                domain="reuters.com",
                slug="kharkiv-villages",
                title="Russia's push in Kharkiv region takes border villages",
                stance=Stance.CORROBORATES,
                repeats_claimant=False,
                excerpt="Analysts count several villages lost since 10 May.",
            ),
        ],
    ),
    DemoClaim(
        text="Ukrainian units have manoeuvred and moved to more advantageous positions in the Lukyantsi and Vovchansk areas.",
        claimant="General Staff of the Armed Forces of Ukraine",
        claimed_on=dt.date(2024, 5, 15),
        claimed_time=dt.time(1, 30),
        event_place="Lukyantsi and Vovchansk, Kharkiv region",
        quote="moved to more advantageous positions",
        origin_url="https://www.facebook.com/demo-example/general-staff-2024-05-15",
        priority=Priority.HIGH,
        tags=["Kharkiv offensive", "front line"],
        created_at=kyiv(15, 8, 10),
        evidence=[
            DemoEvidence(
                domain="deepstatemap.live",
                slug="vovchansk",
                title="Map update: Ukrainian lines pulled back at Vovchansk and Lukyantsi",
                stance=Stance.CORROBORATES,
                repeats_claimant=False,
                excerpt="Lines redrawn south of both villages.",
            ),
            DemoEvidence(
                domain="reuters.com",
                slug="ukraine-withdraws-kharkiv",
                title="Ukraine pulls troops back in the Kharkiv region",
                stance=Stance.CONTEXT,
                repeats_claimant=False,
                excerpt="Commanders cite shortages of weapons, ammunition and soldiers.",
            ),
        ],
        reviews=[
            DemoReview(
                proposed_status=Status.MISLEADING,
                proposed_by="factchecker",
                proposed_at=kyiv(15, 12, 0),
                rationale='The move happened, but "more advantageous positions" describes a withdrawal under pressure.',
                decision=Decision.APPROVED,
                decided_by="editor",
                decided_at=kyiv(15, 13, 15),
                note="Agreed: accurate in fact, misleading in framing.",
            ),
        ],
    ),
    DemoClaim(
        text="Russian troops have fully taken the village of Robotyne in the Zaporizhzhia region.",
        claimant="Russian Ministry of Defence",
        claimed_on=dt.date(2024, 5, 15),
        event_place="Robotyne, Zaporizhzhia region",
        quote="completely liberated",
        origin_url="https://mil.ru/demo-example/2024-05-15-robotyne",
        priority=Priority.HIGH,
        assignee="factchecker",
        tags=["Zaporizhzhia", "front line"],
        created_at=kyiv(15, 11, 45),
        evidence=[
            DemoEvidence(
                domain="tass.ru",
                slug="robotyne",
                title="Defence ministry reports Robotyne taken",
                stance=Stance.CORROBORATES,
                repeats_claimant=True,
                excerpt="Repeats the ministry's statement.",
            ),
            DemoEvidence(
                domain="dpa.com",
                slug="robotyne",
                title="Moscow claims capture of Robotyne",
                stance=Stance.CONTEXT,
                repeats_claimant=False,
                excerpt="Kyiv had not commented; the claim could not be verified independently.",
            ),
        ],
        reviews=[
            DemoReview(
                proposed_status=Status.FALSE,
                proposed_by="factchecker",
                proposed_at=kyiv(15, 14, 0),
                rationale="No sign of the capture on open maps.",
                decision=Decision.WITHDRAWN,
                decided_by="factchecker",
                decided_at=kyiv(15, 14, 20),
                note="Withdrawn: absence on a map is not a contradiction; waiting for reporting from the area.",
            ),
        ],
    ),
    DemoClaim(
        text="Russian air defences shot down 10 US-made ATACMS missiles over Crimea overnight.",
        claimant="Russian Ministry of Defence",
        claimed_on=dt.date(2024, 5, 15),
        claimed_time=dt.time(9, 0),
        event_on=dt.date(2024, 5, 15),
        event_place="Crimea",
        origin_url="https://mil.ru/demo-example/2024-05-15-atacms",
        tags=["Crimea", "air defence"],
        created_at=kyiv(15, 9, 10),
        evidence=[
            DemoEvidence(
                domain="tass.ru",
                slug="atacms-crimea",
                title="Ten ATACMS missiles downed over Crimea, ministry says",
                stance=Stance.CORROBORATES,
                repeats_claimant=True,
                excerpt="Relays the ministry's figure.",
            ),
            DemoEvidence(
                domain="reuters.com",
                slug="atacms-crimea",
                title="Russia says it downed US-made missiles over Crimea",
                stance=Stance.CONTEXT,
                repeats_claimant=False,
                excerpt="Reuters could not verify the figure.",
            ),
        ],
        reviews=[
            DemoReview(
                proposed_status=Status.UNVERIFIABLE,
                proposed_by="factchecker",
                proposed_at=kyiv(16, 10, 0),
                rationale="Only the ministry and outlets relaying it; no independent access to the sites or debris.",
                decision=Decision.APPROVED,
                decided_by="editor",
                decided_at=kyiv(16, 11, 30),
            ),
        ],
    ),
    DemoClaim(
        text="Russian air defences shot down 17 Ukrainian drones and other projectiles over the Belgorod, Kursk and Bryansk regions.",
        claimant="Russian Ministry of Defence",
        claimed_on=dt.date(2024, 5, 15),
        event_place="Belgorod, Kursk and Bryansk regions",
        origin_url="https://mil.ru/demo-example/2024-05-15-drones",
        assignee="factchecker",
        tags=["air defence"],
        created_at=kyiv(15, 10, 5),
        evidence=[
            DemoEvidence(
                domain="ria.ru",
                slug="drones-border-regions",
                title="17 drones downed over border regions",
                stance=Stance.CORROBORATES,
                repeats_claimant=True,
                excerpt="Repeats the ministry's count.",
            ),
        ],
        reviews=[
            DemoReview(
                proposed_status=Status.CORROBORATED,
                proposed_by="factchecker",
                proposed_at=kyiv(16, 9, 0),
                rationale="RIA Novosti reports the same number.",
                decision=Decision.RETURNED,
                decided_by="editor",
                decided_at=kyiv(16, 9, 45),
                note="RIA only relays the ministry, so it is not independent. Look for regional authorities' or independent reports.",
            ),
        ],
    ),
    DemoClaim(
        text="The United States will provide Ukraine with an additional $2 billion in foreign military financing.",
        claimant="Antony Blinken",
        claimed_on=dt.date(2024, 5, 15),
        event_place="Kyiv",
        origin_url="https://www.state.gov/demo-example/2024-05-15-kyiv-remarks",
        tags=["military aid", "diplomacy"],
        created_at=kyiv(15, 12, 30),
        evidence=[
            DemoEvidence(
                domain="state.gov",
                slug="fmf-announcement",
                title="Secretary's remarks in Kyiv",
                stance=Stance.CORROBORATES,
                repeats_claimant=True,
                excerpt="The department's own transcript.",
            ),
            DemoEvidence(
                domain="reuters.com",
                slug="blinken-2-billion",
                title="Blinken announces $2 billion arms package in Kyiv",
                stance=Stance.CORROBORATES,
                repeats_claimant=False,
                excerpt="Financing for weapons and for Ukraine's defence industry.",
            ),
            DemoEvidence(
                domain="apnews.com",
                slug="blinken-kyiv-aid",
                title="US pledges $2 billion more in military financing",
                stance=Stance.CORROBORATES,
                repeats_claimant=False,
                excerpt="Announced during a visit to Kyiv.",
            ),
        ],
        reviews=[
            DemoReview(
                proposed_status=Status.CONFIRMED,
                proposed_by="factchecker",
                proposed_at=kyiv(15, 17, 0),
                rationale="The State Department transcript and two independent agencies agree on the amount.",
                decision=Decision.APPROVED,
                decided_by="editor",
                decided_at=kyiv(15, 18, 5),
            ),
        ],
    ),
    DemoClaim(
        text="Antony Blinken's visit to Kyiv is his fourth since Russia's full-scale invasion in February 2022.",
        claimant="US Department of State",
        claimed_on=dt.date(2024, 5, 14),
        event_place="Kyiv",
        tags=["diplomacy"],
        created_at=kyiv(15, 12, 50),
        evidence=[
            DemoEvidence(
                domain="apnews.com",
                slug="blinken-fourth-visit",
                title="Blinken arrives in Kyiv on fourth wartime visit",
                stance=Stance.CORROBORATES,
                repeats_claimant=False,
                excerpt="Counts the visits since February 2022.",
            ),
            DemoEvidence(
                domain="bbc.com",
                slug="blinken-kyiv-visit",
                title="Blinken in Kyiv, first visit since the $61bn package",
                stance=Stance.CORROBORATES,
                repeats_claimant=False,
                excerpt="His first trip since Congress approved the April package.",
            ),
        ],
        reviews=[
            DemoReview(
                proposed_status=Status.CORROBORATED,
                proposed_by="factchecker",
                proposed_at=kyiv(15, 13, 30),
                rationale="AP counts the visits the same way.",
                decision=Decision.APPROVED,
                decided_by="editor",
                decided_at=kyiv(15, 15, 40),
            ),
            DemoReview(
                proposed_status=Status.CONFIRMED,
                proposed_by="factchecker",
                proposed_at=kyiv(17, 10, 15),
                rationale="The BBC's count now agrees with AP's: two independent outlets.",
                decision=Decision.PENDING,
            ),
        ],
    ),
    DemoClaim(
        text="Russia must double and triple its efforts to increase arms production.",
        claimant="Vladimir Putin",
        claimed_on=dt.date(2024, 5, 15),
        quote="double and triple",
        tags=["defence industry"],
        priority=Priority.LOW,
        created_at=kyiv(15, 16, 0),
        evidence=[
            DemoEvidence(
                domain="tass.ru",
                slug="putin-arms-production",
                title="Putin calls for more arms production",
                stance=Stance.CORROBORATES,
                repeats_claimant=True,
                excerpt="Reports the remark at a meeting with the defence industry.",
            ),
        ],
        reviews=[
            DemoReview(
                proposed_status=Status.UNVERIFIABLE,
                proposed_by="factchecker",
                proposed_at=kyiv(17, 11, 0),
                rationale="A statement of intent, not a fact that can be checked.",
                decision=Decision.PENDING,
            ),
        ],
    ),
    DemoClaim(
        text="Zelensky cancelled his foreign trips because he has left Ukraine.",
        claimant="Anonymous Telegram channel",
        claimed_on=dt.date(2024, 5, 15),
        origin_url="https://t.me/demo-example/2024-05-15",
        priority=Priority.HIGH,
        tags=["Zelensky", "disinformation"],
        created_at=kyiv(15, 18, 30),
        evidence=[
            DemoEvidence(
                domain="apnews.com",
                slug="zelensky-meets-blinken",
                title="Zelensky meets Blinken in Kyiv",
                stance=Stance.CONTRADICTS,
                repeats_claimant=False,
                excerpt="Photographed with the Secretary of State in Kyiv this week.",
            ),
        ],
        reviews=[
            DemoReview(
                proposed_status=Status.FALSE,
                proposed_by="factchecker",
                proposed_at=kyiv(16, 8, 30),
                rationale="He was filmed in Kyiv meeting the US Secretary of State during the same days.",
                decision=Decision.APPROVED,
                decided_by="editor",
                decided_at=kyiv(16, 8, 50),
            ),
        ],
    ),
    DemoClaim(
        text="Russian forces have reached the centre of Vovchansk.",
        claimant="Pro-Russian war blogger",
        claimed_on=dt.date(2024, 5, 16),
        event_place="Vovchansk, Kharkiv region",
        origin_url="https://t.me/demo-example/2024-05-16",
        tags=["Kharkiv offensive", "front line"],
        created_at=kyiv(16, 12, 0),
        evidence=[
            DemoEvidence(
                domain="ria.ru",
                slug="vovchansk-centre",
                title="Fighting reported in Vovchansk",
                stance=Stance.CORROBORATES,
                repeats_claimant=False,
                excerpt="Describes Russian units in central streets.",
            ),
            DemoEvidence(
                domain="deepstatemap.live",
                slug="vovchansk-16",
                title="Map update: fighting on Vovchansk's northern edge",
                stance=Stance.CONTRADICTS,
                repeats_claimant=False,
                excerpt="Shows the line north of the town centre.",
            ),
        ],
        reviews=[
            DemoReview(
                proposed_status=Status.DISPUTED,
                proposed_by="factchecker",
                proposed_at=kyiv(16, 15, 0),
                rationale="Russian state media and a Ukrainian open-source map disagree on where the line is.",
                decision=Decision.APPROVED,
                decided_by="editor",
                decided_at=kyiv(16, 16, 20),
            ),
        ],
    ),
]


# --- The demo's own pages --------------------------------------------------------------------------


class DemoPageLink(NamedTuple):
    claim_text: str  # the wording of the demo claim it is linked to, as context
    excerpt: str


class DemoPage(NamedTuple):
    name: str  # its file in static/demo-pages/
    title: str
    kind: SourceKind
    published_at: dt.datetime
    links: list[DemoPageLink]


# The dev server serves static/demo-pages/ at SITE_URL + STATIC_URL, so the worker started by `make run`
# captures real pages from this machine with no internet access.
DEMO_PAGES = [
    DemoPage(
        name="ministry-briefing.html",
        title="Daily briefing, 15 May 2024 (demo copy of a ministry page)",
        kind=SourceKind.OFFICIAL_STATEMENT,
        published_at=kyiv(15, 9, 0),
        links=[
            DemoPageLink(
                claim_text="Russian air defences shot down 10 US-made ATACMS missiles over Crimea overnight.",
                excerpt="The briefing that gave the figure of ten missiles (demo copy).",
            ),
            DemoPageLink(
                claim_text="Russian air defences shot down 17 Ukrainian drones and other projectiles over the Belgorod, Kursk and Bryansk regions.",
                excerpt="The same briefing's count of drones, with no figure for each region (demo copy).",
            ),
            DemoPageLink(
                claim_text="Russian troops have fully taken the village of Robotyne in the Zaporizhzhia region.",
                excerpt="The briefing's wording, with no pictures from the village (demo copy).",
            ),
        ],
    ),
    DemoPage(
        name="agency-report.html",
        title="Zelensky calls off foreign trips as Kharkiv fighting goes on (demo copy of an agency report)",
        kind=SourceKind.ARTICLE,
        published_at=kyiv(15, 11, 40),
        links=[
            DemoPageLink(
                claim_text="President Zelensky has cancelled all his foreign trips for the coming days.",
                excerpt="The spokesman's announcement as an agency reported it (demo copy).",
            ),
            DemoPageLink(
                claim_text="President Zelensky had been due to visit Spain and Portugal at the end of the week.",
                excerpt="Names Spain and Portugal as the visits called off (demo copy).",
            ),
        ],
    ),
    DemoPage(
        name="social-post.html",
        title="Post by an unnamed channel, 15 May 2024 (demo copy of a social post)",
        kind=SourceKind.SOCIAL_POST,
        published_at=kyiv(15, 18, 5),
        links=[
            DemoPageLink(
                claim_text="Zelensky cancelled his foreign trips because he has left Ukraine.",
                excerpt="The post where the claim appeared (demo copy of a made-up account).",
            ),
        ],
    ),
]
DEMO_PAGES_OUTLET = "Demo page set (this machine)"
# Linked on the Friday, after every verdict of the demo week: the approved reviews' evidence
# snapshots stay what the desk had when it decided.
DEMO_PAGES_LINKED_AT = kyiv(17, 12, 0)
