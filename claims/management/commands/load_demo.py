"""Load the demo desk: one day of the war in Ukraine, Wednesday 15 May 2024 (ISO week 2024-W20).

What the desk holds that day (users, sides, outlets, claimants, claims with their evidence and reviews,
the demo pages) is in claims/demo_data.py as named records; this command writes it. Running the command
twice changes nothing the second time.

Three pages shipped in the repository (static/demo-pages/, served by the dev server) stand in for
what the desk would capture that day; they are linked as context to a few claims and a capture of
each is queued, so `make run`'s worker makes real captures without internet access.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urljoin

import pghistory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from claims import duplicates
from claims.demo_data import (
    CLAIMANTS,
    CLAIMS,
    DEMO_AFFILIATIONS,
    DEMO_OUTLETS,
    DEMO_PAGES,
    DEMO_PAGES_LINKED_AT,
    DEMO_PAGES_OUTLET,
    OUTLET_BY_DOMAIN,
    USERS,
    DemoClaim,
)
from claims.links import domain_of, normalize_url
from claims.models import (
    Affiliation,
    Claim,
    Claimant,
    Decision,
    Evidence,
    JobState,
    Outlet,
    Review,
    Source,
    SourceKind,
    Stance,
    Status,
    Tag,
)
from claims.workflow import capture_request, evidence_snapshot


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
                demo.name: Claimant.objects.get_or_create(
                    name=demo.name,
                    defaults={
                        "kind": demo.kind,
                        "affiliation": affiliations[demo.affiliation] if demo.affiliation else None,
                        "description": demo.description,
                        "aliases": list(demo.aliases),
                    },
                )[0]
                for demo in CLAIMANTS
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
        for demo in USERS:
            self.stdout.write(f"  {demo.group[:-1].lower():<13} {demo.username:<12} password: {demo.password}")

    def _users(self) -> dict[str, object]:
        User = get_user_model()
        users = {}
        for demo in USERS:
            user, created = User.objects.get_or_create(
                username=demo.username,
                defaults={"first_name": demo.first_name, "last_name": demo.last_name, "is_staff": demo.is_staff},
            )
            if created or not user.check_password(demo.password):
                user.set_password(demo.password)
                user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=demo.group))
            users[demo.username] = user
        return users

    def _claim(self, spec: DemoClaim, users: dict, outlets: dict, claimants: dict) -> bool:
        """Create one claim with its evidence and reviews; skip it if it is already there."""
        claimant = claimants[spec.claimant]
        if Claim.objects.filter(claimant=claimant, text=spec.text).exists():
            return False

        created_at = spec.created_at
        factchecker = users["factchecker"]
        approved = [review for review in spec.reviews if review.decision == Decision.APPROVED]
        claim = Claim.objects.create(
            text=spec.text,
            claimant=claimant,
            claimed_on=spec.claimed_on,
            claimed_time=spec.claimed_time,
            event_on=spec.event_on,
            event_place=spec.event_place,
            origin_url=spec.origin_url,
            quote=spec.quote,
            priority=spec.priority,
            assignee=users[spec.assignee] if spec.assignee else None,
            status=approved[-1].proposed_status if approved else Status.UNVERIFIED,
            created_by=factchecker,
            created_at=created_at,
            updated_by=factchecker,
            updated_at=max([created_at] + [review.decided_at for review in spec.reviews if review.decided_at]),
        )
        claim.tags.set([Tag.objects.get_or_create(name=name)[0] for name in spec.tags])

        for minutes, evidence in enumerate(spec.evidence, start=1):
            added_at = created_at + dt.timedelta(minutes=10 * minutes)
            outlet = outlets[evidence.domain]
            source, _ = Source.objects.get_or_create(
                url=evidence.url,
                defaults={
                    "title": evidence.title,
                    "outlet": outlet,
                    # A department's own site publishes its statements; news outlets publish articles.
                    "kind": (
                        SourceKind.OFFICIAL_STATEMENT
                        if OUTLET_BY_DOMAIN[evidence.domain].kind == "official"
                        else SourceKind.ARTICLE
                    ),
                    "published_at": created_at - dt.timedelta(minutes=30),
                    "added_by": factchecker,
                    "added_at": added_at,
                },
            )
            Evidence.objects.create(
                claim=claim,
                source=source,
                stance=evidence.stance,
                repeats_claimant=evidence.repeats_claimant,
                excerpt=evidence.excerpt,
                added_by=factchecker,
                added_at=added_at,
            )

        status = Status.UNVERIFIED
        for review in spec.reviews:
            is_approved = review.decision == Decision.APPROVED
            Review.objects.create(
                evidence_snapshot=evidence_snapshot(claim) if is_approved else {},
                claim=claim,
                previous_status=status,
                proposed_status=review.proposed_status,
                rationale=review.rationale,
                proposed_by=users[review.proposed_by],
                proposed_at=review.proposed_at,
                decision=review.decision,
                decided_by=users[review.decided_by] if review.decided_by else None,
                decided_at=review.decided_at,
                decision_note=review.note,
            )
            if is_approved:
                status = review.proposed_status
        return True

    def _demo_pages(self, users: dict) -> int:
        """Add the demo pages as sources, link them as context, and queue a capture of each that has
        none queued, running or done. Returns how many captures it queued."""
        factchecker = users["factchecker"]
        # No affiliation: a stand-in page is nobody's reporting, and evidence from an outlet whose
        # affiliation is unknown never counts as independent (docs/architecture.md, "Independence").
        # Linked as context, so no count a demo verdict stands on changes either.
        outlet, _ = Outlet.objects.get_or_create(
            domain=domain_of(demo_page_url(DEMO_PAGES[0].name)), defaults={"name": DEMO_PAGES_OUTLET}
        )
        queued = 0
        for number, page in enumerate(DEMO_PAGES):
            added_at = DEMO_PAGES_LINKED_AT + dt.timedelta(minutes=5 * number)
            source, _ = Source.objects.get_or_create(
                url=demo_page_url(page.name),
                defaults={
                    "title": page.title,
                    "outlet": outlet,
                    "kind": page.kind,
                    "published_at": page.published_at,
                    "added_by": factchecker,
                    "added_at": added_at,
                },
            )
            for link in page.links:
                claim = Claim.objects.on_desk().filter(text=link.claim_text).first()
                if claim is None:  # reworded or merged on this desk: nothing to link to
                    continue
                Evidence.objects.get_or_create(
                    claim=claim,
                    source=source,
                    defaults={
                        "stance": Stance.CONTEXT,
                        "excerpt": link.excerpt,
                        "added_by": factchecker,
                        "added_at": added_at,
                    },
                )
            # A failed capture (say the server never came up) is tried again on the next run.
            if not source.captures.exclude(state=JobState.FAILED).exists():
                capture_request(source=source, user=factchecker)
                queued += 1
        return queued
