"""Load the demo desk: one day of the war in Ukraine, Wednesday 15 May 2024 (ISO week 2024-W20).

The claims are real attributions written in the desk's own words; the source links use each
outlet's real domain (so outlet recognition and independence show) with illustrative paths under
/demo-example/ — they are examples, not real articles. Two claims come from unnamed accounts and
are illustrative. Running the command twice changes nothing the second time.

Three pages shipped in the repository (static/demo-pages/, served by the dev server) stand in for
what the desk would capture that day; they are linked as context to a few claims and a capture of
each is queued, so `make run`'s worker makes real captures without internet access.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import pghistory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from captures.models import CaptureState
from claims import duplicates
from claims.demo_data import DEMO_AFFILIATIONS, DEMO_OUTLETS
from claims.links import domain_of, normalize_url
from claims.models import (
    Affiliation,
    Claim,
    Claimant,
    ClaimantKind,
    Decision,
    Evidence,
    Outlet,
    Priority,
    Review,
    Source,
    SourceKind,
    Stance,
    Status,
    Tag,
)
from claims.roles import EDITORS, FACT_CHECKERS
from claims.workflow import capture_request, evidence_snapshot

KYIV = ZoneInfo("Europe/Kyiv")

USERS = [
    # username, password, first name, last name, group, admin access
    ("factchecker", "factcheck-demo-2024", "Olena", "Marchenko", FACT_CHECKERS, False),
    ("editor", "editor-demo-2024", "Daniel", "Weber", EDITORS, True),
]

CLAIMANTS = [
    # name, kind, affiliation (None: unknown), description
    ("Serhiy Nykyforov", ClaimantKind.OFFICIAL, "Ukrainian government", "Spokesman of the President of Ukraine."),
    ("General Staff of the Armed Forces of Ukraine", ClaimantKind.MILITARY, "Ukrainian government", ""),
    ("Russian Ministry of Defence", ClaimantKind.GOVERNMENT_BODY, "Russian government", ""),
    ("Vladimir Putin", ClaimantKind.OFFICIAL, "Russian government", "President of Russia."),
    ("Antony Blinken", ClaimantKind.OFFICIAL, "US government", "US Secretary of State."),
    ("US Department of State", ClaimantKind.GOVERNMENT_BODY, "US government", ""),
    ("Front-line reports and analysts", ClaimantKind.OTHER, None, "Several reports; no single author."),
    ("Anonymous Telegram channel", ClaimantKind.SOCIAL_ACCOUNT, None, "Illustrative: an unnamed account."),
    ("Pro-Russian war blogger", ClaimantKind.SOCIAL_ACCOUNT, None, "Illustrative: an unnamed account."),
]


def kyiv(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in May 2024, Kyiv time."""
    return dt.datetime(2024, 5, day, hour, minute, tzinfo=KYIV)


def link(domain: str, slug: str) -> str:
    return f"https://www.{domain}/demo-example/2024-05-15-{slug}"


# Each claim: its fields, its evidence, and its reviews in order. A review is
# (proposed status, proposer, proposed at, rationale, decision, decider, decided at, note).
CLAIMS = [
    {
        "text": "President Zelensky has cancelled all his foreign trips for the coming days.",
        "claimant": "Serhiy Nykyforov",
        "claimed_on": dt.date(2024, 5, 15),
        "quote": "",
        "origin_url": "https://www.president.gov.ua/demo-example/2024-05-15-trips",
        "priority": Priority.HIGH,
        "tags": ["Zelensky", "diplomacy", "Kharkiv offensive"],
        "created_at": kyiv(15, 9, 20),
        "evidence": [
            (
                "reuters.com",
                "zelensky-cancels-trips",
                "Zelensky calls off foreign trips as Russia presses in the north-east",
                Stance.CORROBORATES,
                False,
                "The president's office said all foreign visits in the coming days were off.",
            ),
            (
                "apnews.com",
                "zelensky-postpones-travel",
                "Ukraine's leader postpones travel amid Kharkiv fighting",
                Stance.CORROBORATES,
                False,
                "Trips planned for the end of the week will not take place.",
            ),
            (
                "ukrinform.net",
                "president-trips",
                "Presidential spokesman: foreign trips postponed",
                Stance.CORROBORATES,
                True,
                "Relays the spokesman's statement.",
            ),
        ],
        "reviews": [
            (
                Status.CONFIRMED,
                "factchecker",
                kyiv(15, 13, 5),
                "Two independent agencies (Reuters, AP) report the cancellation directly from the president's office.",
                Decision.APPROVED,
                "editor",
                kyiv(15, 14, 30),
                "",
            ),
        ],
    },
    {
        "text": "President Zelensky had been due to visit Spain and Portugal at the end of the week.",
        "claimant": "Serhiy Nykyforov",
        "claimed_on": dt.date(2024, 5, 15),
        "event_place": "Spain and Portugal",
        "tags": ["Zelensky", "diplomacy"],
        "created_at": kyiv(15, 9, 35),
        "evidence": [
            (
                "bbc.com",
                "zelensky-spain-portugal",
                "Zelensky's Iberian visit called off",
                Stance.CORROBORATES,
                False,
                "Madrid and Lisbon had been preparing for the visit.",
            ),
        ],
        "reviews": [
            (
                Status.CORROBORATED,
                "factchecker",
                kyiv(15, 15, 0),
                "One independent outlet confirms the planned visits; the host governments have not commented yet.",
                Decision.APPROVED,
                "editor",
                kyiv(15, 16, 10),
                "",
            ),
        ],
    },
    {
        "text": "Russian forces have captured several villages in the Kharkiv region since their offensive began on 10 May.",
        "claimant": "Front-line reports and analysts",
        "claimed_on": dt.date(2024, 5, 13),
        "event_on": dt.date(2024, 5, 10),
        "event_place": "Kharkiv region",
        "priority": Priority.URGENT,
        "assignee": "factchecker",
        "tags": ["Kharkiv offensive", "front line"],
        "created_at": kyiv(13, 10, 0),
        "evidence": [
            (
                "deepstatemap.live",
                "kharkiv-north",
                "Map update: Russian advance north of Kharkiv",
                Stance.CORROBORATES,
                False,
                "Several border villages shaded as occupied.",
            ),
            (
                "reuters.com",
                "kharkiv-villages",
                "Russia's push in Kharkiv region takes border villages",
                Stance.CORROBORATES,
                False,
                "Analysts count several villages lost since 10 May.",
            ),
        ],
        "reviews": [],
    },
    {
        "text": "Ukrainian units have manoeuvred and moved to more advantageous positions in the Lukyantsi and Vovchansk areas.",
        "claimant": "General Staff of the Armed Forces of Ukraine",
        "claimed_on": dt.date(2024, 5, 15),
        "claimed_time": dt.time(1, 30),
        "event_place": "Lukyantsi and Vovchansk, Kharkiv region",
        "quote": "moved to more advantageous positions",
        "origin_url": "https://www.facebook.com/demo-example/general-staff-2024-05-15",
        "priority": Priority.HIGH,
        "tags": ["Kharkiv offensive", "front line"],
        "created_at": kyiv(15, 8, 10),
        "evidence": [
            (
                "deepstatemap.live",
                "vovchansk",
                "Map update: Ukrainian lines pulled back at Vovchansk and Lukyantsi",
                Stance.CORROBORATES,
                False,
                "Lines redrawn south of both villages.",
            ),
            (
                "reuters.com",
                "ukraine-withdraws-kharkiv",
                "Ukraine pulls troops back in the Kharkiv region",
                Stance.CONTEXT,
                False,
                "Commanders cite shortages of weapons, ammunition and soldiers.",
            ),
        ],
        "reviews": [
            (
                Status.MISLEADING,
                "factchecker",
                kyiv(15, 12, 0),
                'The move happened, but "more advantageous positions" describes a withdrawal under pressure.',
                Decision.APPROVED,
                "editor",
                kyiv(15, 13, 15),
                "Agreed: accurate in fact, misleading in framing.",
            ),
        ],
    },
    {
        "text": "Russian troops have fully taken the village of Robotyne in the Zaporizhzhia region.",
        "claimant": "Russian Ministry of Defence",
        "claimed_on": dt.date(2024, 5, 15),
        "event_place": "Robotyne, Zaporizhzhia region",
        "quote": "completely liberated",
        "origin_url": "https://mil.ru/demo-example/2024-05-15-robotyne",
        "priority": Priority.HIGH,
        "assignee": "factchecker",
        "tags": ["Zaporizhzhia", "front line"],
        "created_at": kyiv(15, 11, 45),
        "evidence": [
            (
                "tass.ru",
                "robotyne",
                "Defence ministry reports Robotyne taken",
                Stance.CORROBORATES,
                True,
                "Repeats the ministry's statement.",
            ),
            (
                "dpa.com",
                "robotyne",
                "Moscow claims capture of Robotyne",
                Stance.CONTEXT,
                False,
                "Kyiv had not commented; the claim could not be verified independently.",
            ),
        ],
        "reviews": [
            (
                Status.FALSE,
                "factchecker",
                kyiv(15, 14, 0),
                "No sign of the capture on open maps.",
                Decision.WITHDRAWN,
                "factchecker",
                kyiv(15, 14, 20),
                "Withdrawn: absence on a map is not a contradiction; waiting for reporting from the area.",
            ),
        ],
    },
    {
        "text": "Russian air defences shot down 10 US-made ATACMS missiles over Crimea overnight.",
        "claimant": "Russian Ministry of Defence",
        "claimed_on": dt.date(2024, 5, 15),
        "claimed_time": dt.time(9, 0),
        "event_on": dt.date(2024, 5, 15),
        "event_place": "Crimea",
        "origin_url": "https://mil.ru/demo-example/2024-05-15-atacms",
        "tags": ["Crimea", "air defence"],
        "created_at": kyiv(15, 9, 10),
        "evidence": [
            (
                "tass.ru",
                "atacms-crimea",
                "Ten ATACMS missiles downed over Crimea, ministry says",
                Stance.CORROBORATES,
                True,
                "Relays the ministry's figure.",
            ),
            (
                "reuters.com",
                "atacms-crimea",
                "Russia says it downed US-made missiles over Crimea",
                Stance.CONTEXT,
                False,
                "Reuters could not verify the figure.",
            ),
        ],
        "reviews": [
            (
                Status.UNVERIFIABLE,
                "factchecker",
                kyiv(16, 10, 0),
                "Only the ministry and outlets relaying it; no independent access to the sites or debris.",
                Decision.APPROVED,
                "editor",
                kyiv(16, 11, 30),
                "",
            ),
        ],
    },
    {
        "text": "Russian air defences shot down 17 Ukrainian drones and other projectiles over the Belgorod, Kursk and Bryansk regions.",
        "claimant": "Russian Ministry of Defence",
        "claimed_on": dt.date(2024, 5, 15),
        "event_place": "Belgorod, Kursk and Bryansk regions",
        "origin_url": "https://mil.ru/demo-example/2024-05-15-drones",
        "assignee": "factchecker",
        "tags": ["air defence"],
        "created_at": kyiv(15, 10, 5),
        "evidence": [
            (
                "ria.ru",
                "drones-border-regions",
                "17 drones downed over border regions",
                Stance.CORROBORATES,
                True,
                "Repeats the ministry's count.",
            ),
        ],
        "reviews": [
            (
                Status.CORROBORATED,
                "factchecker",
                kyiv(16, 9, 0),
                "RIA Novosti reports the same number.",
                Decision.RETURNED,
                "editor",
                kyiv(16, 9, 45),
                "RIA only relays the ministry, so it is not independent. Look for regional authorities' or independent reports.",
            ),
        ],
    },
    {
        "text": "The United States will provide Ukraine with an additional $2 billion in foreign military financing.",
        "claimant": "Antony Blinken",
        "claimed_on": dt.date(2024, 5, 15),
        "event_place": "Kyiv",
        "origin_url": "https://www.state.gov/demo-example/2024-05-15-kyiv-remarks",
        "tags": ["military aid", "diplomacy"],
        "created_at": kyiv(15, 12, 30),
        "evidence": [
            (
                "state.gov",
                "fmf-announcement",
                "Secretary's remarks in Kyiv",
                Stance.CORROBORATES,
                True,
                "The department's own transcript.",
            ),
            (
                "reuters.com",
                "blinken-2-billion",
                "Blinken announces $2 billion arms package in Kyiv",
                Stance.CORROBORATES,
                False,
                "Financing for weapons and for Ukraine's defence industry.",
            ),
            (
                "apnews.com",
                "blinken-kyiv-aid",
                "US pledges $2 billion more in military financing",
                Stance.CORROBORATES,
                False,
                "Announced during a visit to Kyiv.",
            ),
        ],
        "reviews": [
            (
                Status.CONFIRMED,
                "factchecker",
                kyiv(15, 17, 0),
                "The State Department transcript and two independent agencies agree on the amount.",
                Decision.APPROVED,
                "editor",
                kyiv(15, 18, 5),
                "",
            ),
        ],
    },
    {
        "text": "Antony Blinken's visit to Kyiv is his fourth since Russia's full-scale invasion in February 2022.",
        "claimant": "US Department of State",
        "claimed_on": dt.date(2024, 5, 14),
        "event_place": "Kyiv",
        "tags": ["diplomacy"],
        "created_at": kyiv(15, 12, 50),
        "evidence": [
            (
                "apnews.com",
                "blinken-fourth-visit",
                "Blinken arrives in Kyiv on fourth wartime visit",
                Stance.CORROBORATES,
                False,
                "Counts the visits since February 2022.",
            ),
            (
                "bbc.com",
                "blinken-kyiv-visit",
                "Blinken in Kyiv, first visit since the $61bn package",
                Stance.CORROBORATES,
                False,
                "His first trip since Congress approved the April package.",
            ),
        ],
        "reviews": [
            (
                Status.CORROBORATED,
                "factchecker",
                kyiv(15, 13, 30),
                "AP counts the visits the same way.",
                Decision.APPROVED,
                "editor",
                kyiv(15, 15, 40),
                "",
            ),
            (
                Status.CONFIRMED,
                "factchecker",
                kyiv(17, 10, 15),
                "The BBC's count now agrees with AP's: two independent outlets.",
                Decision.PENDING,
                None,
                None,
                "",
            ),
        ],
    },
    {
        "text": "Russia must double and triple its efforts to increase arms production.",
        "claimant": "Vladimir Putin",
        "claimed_on": dt.date(2024, 5, 15),
        "quote": "double and triple",
        "tags": ["defence industry"],
        "priority": Priority.LOW,
        "created_at": kyiv(15, 16, 0),
        "evidence": [
            (
                "tass.ru",
                "putin-arms-production",
                "Putin calls for more arms production",
                Stance.CORROBORATES,
                True,
                "Reports the remark at a meeting with the defence industry.",
            ),
        ],
        "reviews": [
            (
                Status.UNVERIFIABLE,
                "factchecker",
                kyiv(17, 11, 0),
                "A statement of intent, not a fact that can be checked.",
                Decision.PENDING,
                None,
                None,
                "",
            ),
        ],
    },
    {
        "text": "Zelensky cancelled his foreign trips because he has left Ukraine.",
        "claimant": "Anonymous Telegram channel",
        "claimed_on": dt.date(2024, 5, 15),
        "origin_url": "https://t.me/demo-example/2024-05-15",
        "priority": Priority.HIGH,
        "tags": ["Zelensky", "disinformation"],
        "created_at": kyiv(15, 18, 30),
        "evidence": [
            (
                "apnews.com",
                "zelensky-meets-blinken",
                "Zelensky meets Blinken in Kyiv",
                Stance.CONTRADICTS,
                False,
                "Photographed with the Secretary of State in Kyiv this week.",
            ),
        ],
        "reviews": [
            (
                Status.FALSE,
                "factchecker",
                kyiv(16, 8, 30),
                "He was filmed in Kyiv meeting the US Secretary of State during the same days.",
                Decision.APPROVED,
                "editor",
                kyiv(16, 8, 50),
                "",
            ),
        ],
    },
    {
        "text": "Russian forces have reached the centre of Vovchansk.",
        "claimant": "Pro-Russian war blogger",
        "claimed_on": dt.date(2024, 5, 16),
        "event_place": "Vovchansk, Kharkiv region",
        "origin_url": "https://t.me/demo-example/2024-05-16",
        "tags": ["Kharkiv offensive", "front line"],
        "created_at": kyiv(16, 12, 0),
        "evidence": [
            (
                "ria.ru",
                "vovchansk-centre",
                "Fighting reported in Vovchansk",
                Stance.CORROBORATES,
                False,
                "Describes Russian units in central streets.",
            ),
            (
                "deepstatemap.live",
                "vovchansk-16",
                "Map update: fighting on Vovchansk's northern edge",
                Stance.CONTRADICTS,
                False,
                "Shows the line north of the town centre.",
            ),
        ],
        "reviews": [
            (
                Status.DISPUTED,
                "factchecker",
                kyiv(16, 15, 0),
                "Russian state media and a Ukrainian open-source map disagree on where the line is.",
                Decision.APPROVED,
                "editor",
                kyiv(16, 16, 20),
                "",
            ),
        ],
    },
]


# The demo's own pages (static/demo-pages/): the dev server serves them at SITE_URL + STATIC_URL, so
# the worker started by `make run` captures real pages from this machine with no internet access.
# Each: file, title, kind, published at, and the claims (by wording) it is linked to with an excerpt.
DEMO_PAGES = [
    (
        "ministry-briefing.html",
        "Daily briefing, 15 May 2024 (demo copy of a ministry page)",
        SourceKind.OFFICIAL_STATEMENT,
        kyiv(15, 9, 0),
        [
            (
                "Russian air defences shot down 10 US-made ATACMS missiles over Crimea overnight.",
                "The briefing that gave the figure of ten missiles (demo copy).",
            ),
            (
                "Russian air defences shot down 17 Ukrainian drones and other projectiles over the Belgorod,"
                " Kursk and Bryansk regions.",
                "The same briefing's count of drones, with no figure for each region (demo copy).",
            ),
            (
                "Russian troops have fully taken the village of Robotyne in the Zaporizhzhia region.",
                "The briefing's wording, with no pictures from the village (demo copy).",
            ),
        ],
    ),
    (
        "agency-report.html",
        "Zelensky calls off foreign trips as Kharkiv fighting goes on (demo copy of an agency report)",
        SourceKind.ARTICLE,
        kyiv(15, 11, 40),
        [
            (
                "President Zelensky has cancelled all his foreign trips for the coming days.",
                "The spokesman's announcement as an agency reported it (demo copy).",
            ),
            (
                "President Zelensky had been due to visit Spain and Portugal at the end of the week.",
                "Names Spain and Portugal as the visits called off (demo copy).",
            ),
        ],
    ),
    (
        "social-post.html",
        "Post by an unnamed channel, 15 May 2024 (demo copy of a social post)",
        SourceKind.SOCIAL_POST,
        kyiv(15, 18, 5),
        [
            (
                "Zelensky cancelled his foreign trips because he has left Ukraine.",
                "The post where the claim appeared (demo copy of a made-up account).",
            ),
        ],
    ),
]
DEMO_PAGES_OUTLET = "Demo page set (this machine)"
# Linked on the Friday, after every verdict of the demo week: the approved reviews' evidence
# snapshots stay what the desk had when it decided.
DEMO_PAGES_LINKED_AT = kyiv(17, 12, 0)


def demo_page_url(name: str) -> str:
    """Where the dev server serves a demo page: settings.SITE_URL + STATIC_URL + demo-pages/."""
    return normalize_url(urljoin(f"{settings.SITE_URL}/", f"{settings.STATIC_URL}demo-pages/{name}"))


class Command(BaseCommand):
    help = "Load the demo desk (15 May 2024). Safe to run again. Only runs with DEBUG on."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("load_demo only runs with DEBUG on: it creates accounts whose passwords are published.")
        with transaction.atomic(), pghistory.context(command="load_demo"):
            users = self._users()
            affiliations = {
                known.name: Affiliation.objects.get_or_create(
                    name=known.name, defaults={"description": known.description}
                )[0]
                for known in DEMO_AFFILIATIONS
            }
            outlets = {
                known.domain: Outlet.objects.get_or_create(
                    domain=known.domain, defaults={"name": known.name, "affiliation": affiliations[known.affiliation]}
                )[0]
                for known in DEMO_OUTLETS
            }
            claimants = {
                name: Claimant.objects.get_or_create(
                    name=name,
                    defaults={
                        "kind": kind,
                        "affiliation": affiliations.get(affiliation),
                        "description": description,
                    },
                )[0]
                for name, kind, affiliation, description in CLAIMANTS
            }
            created = sum(self._claim(spec, users, outlets, claimants) for spec in CLAIMS)
            # Which demo claims read like each other, as the workflow notes it when a claim is logged.
            for claim in Claim.objects.on_desk():
                duplicates.record_for(claim)
            # After the claims, and for a desk loaded before the pages existed too.
            queued = self._demo_pages(users)

        self.stdout.write(f"Demo desk ready: {created} claims added, {len(CLAIMS) - created} already there.")
        if queued:
            self.stdout.write(
                f"Demo captures queued: {queued} of the demo pages (static/demo-pages/). They appear on the claim"
                " and source pages once the worker has run (make run starts it with the server)."
            )
        else:
            self.stdout.write("Demo captures: every demo page already has a capture, queued or done.")
        self.stdout.write("Sign in at http://127.0.0.1:8000/accounts/login/ with:")
        for username, password, _first, _last, group, _staff in USERS:
            self.stdout.write(f"  {group[:-1].lower():<13} {username:<12} password: {password}")

    def _users(self) -> dict[str, object]:
        User = get_user_model()
        users = {}
        for username, password, first, last, group, staff in USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last, "is_staff": staff}
            )
            if created or not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=group))
            users[username] = user
        return users

    def _claim(self, spec: dict, users: dict, outlets: dict, claimants: dict) -> bool:
        """Create one claim with its evidence and reviews; skip it if it is already there."""
        claimant = claimants[spec["claimant"]]
        if Claim.objects.filter(claimant=claimant, text=spec["text"]).exists():
            return False

        created_at = spec["created_at"]
        factchecker = users["factchecker"]
        approved = [review for review in spec["reviews"] if review[4] == Decision.APPROVED]
        claim = Claim.objects.create(
            text=spec["text"],
            claimant=claimant,
            claimed_on=spec["claimed_on"],
            claimed_time=spec.get("claimed_time"),
            event_on=spec.get("event_on"),
            event_place=spec.get("event_place", ""),
            origin_url=spec.get("origin_url", ""),
            quote=spec.get("quote", ""),
            priority=spec.get("priority", Priority.NORMAL),
            assignee=users.get(spec.get("assignee", "")),
            status=approved[-1][0] if approved else Status.UNVERIFIED,
            created_by=factchecker,
            created_at=created_at,
            updated_by=factchecker,
            updated_at=max([created_at] + [review[6] for review in spec["reviews"] if review[6]]),
        )
        claim.tags.set([Tag.objects.get_or_create(name=name)[0] for name in spec["tags"]])

        for minutes, (domain, slug, title, stance, repeats, excerpt) in enumerate(spec["evidence"], start=1):
            added_at = created_at + dt.timedelta(minutes=10 * minutes)
            source, _ = Source.objects.get_or_create(
                url=link(domain, slug),
                defaults={
                    "title": title,
                    "outlet": outlets[domain],
                    "kind": SourceKind.OFFICIAL_STATEMENT if domain == "state.gov" else SourceKind.ARTICLE,
                    "published_at": created_at - dt.timedelta(minutes=30),
                    "added_by": factchecker,
                    "added_at": added_at,
                },
            )
            Evidence.objects.create(
                claim=claim,
                source=source,
                stance=stance,
                repeats_claimant=repeats,
                excerpt=excerpt,
                added_by=factchecker,
                added_at=added_at,
            )

        status = Status.UNVERIFIED
        for proposed, proposer, proposed_at, rationale, decision, decider, decided_at, note in spec["reviews"]:
            is_approved = decision == Decision.APPROVED
            Review.objects.create(
                evidence_snapshot=evidence_snapshot(claim) if is_approved else {},
                claim=claim,
                previous_status=status,
                proposed_status=proposed,
                rationale=rationale,
                proposed_by=users[proposer],
                proposed_at=proposed_at,
                decision=decision,
                decided_by=users.get(decider or ""),
                decided_at=decided_at,
                decision_note=note,
            )
            if is_approved:
                status = proposed
        return True

    def _demo_pages(self, users: dict) -> int:
        """Add the demo pages as sources, link them as context, and queue a capture of each that has
        none queued, running or done. Returns how many captures it queued."""
        factchecker = users["factchecker"]
        # No affiliation: a stand-in page is nobody's reporting, and evidence from an outlet whose
        # affiliation is unknown never counts as independent (docs/architecture.md, "Independence").
        # Linked as context, so no count a demo verdict stands on changes either.
        outlet, _ = Outlet.objects.get_or_create(
            domain=domain_of(demo_page_url(DEMO_PAGES[0][0])), defaults={"name": DEMO_PAGES_OUTLET}
        )
        queued = 0
        for number, (name, title, kind, published_at, links) in enumerate(DEMO_PAGES):
            added_at = DEMO_PAGES_LINKED_AT + dt.timedelta(minutes=5 * number)
            source, _ = Source.objects.get_or_create(
                url=demo_page_url(name),
                defaults={
                    "title": title,
                    "outlet": outlet,
                    "kind": kind,
                    "published_at": published_at,
                    "added_by": factchecker,
                    "added_at": added_at,
                },
            )
            for text, excerpt in links:
                claim = Claim.objects.on_desk().filter(text=text).first()
                if claim is None:  # reworded or merged on this desk: nothing to link to
                    continue
                Evidence.objects.get_or_create(
                    claim=claim,
                    source=source,
                    defaults={
                        "stance": Stance.CONTEXT,
                        "excerpt": excerpt,
                        "added_by": factchecker,
                        "added_at": added_at,
                    },
                )
            # A failed capture (say the server never came up) is tried again on the next run.
            if not source.captures.exclude(state=CaptureState.FAILED).exists():
                capture_request(source=source, user=factchecker)
                queued += 1
        return queued
