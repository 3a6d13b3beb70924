"""The desk's rule book (DESIGN §3) and the writes that span several models, in one place:
evidence gates, proposing a status, linking and unlinking evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims.links import domain_of
from claims.models import Claim, Decision, Evidence, Outlet, Review, Source, Status


@dataclass(frozen=True)
class EvidenceSummary:
    corroborating: int
    independent: int
    contradicting: int
    context: int

    @classmethod
    def of(cls, claim: Claim) -> EvidenceSummary:
        """Read the counts annotated by Claim.objects.with_evidence_summary()."""
        return cls(
            corroborating=claim.corroborating_count,
            independent=claim.independent_count,
            contradicting=claim.contradicting_count,
            context=claim.context_count,
        )

    def __str__(self) -> str:
        return (
            f"{self.corroborating} corroborating ({self.independent} independent) · {self.contradicting} contradicting"
        )


def unmet_gate(status: str, evidence: EvidenceSummary, rationale: str) -> str:
    """Say what is missing for `status`, or return "" when its evidence gate is met."""
    needed = settings.CONFIRMED_MIN_INDEPENDENT_SOURCES
    if not rationale.strip():
        return "Every status change needs a rationale."
    if status == Status.DISPUTED and not (evidence.corroborating and evidence.contradicting):
        return "Disputed needs at least one corroborating and one contradicting source."
    if status == Status.CORROBORATED and evidence.independent < 1:
        return "Corroborated needs at least one independent corroboration; there is none yet."
    if status == Status.CONFIRMED and evidence.independent < needed:
        return (
            f"Confirmed needs {needed} independent corroborations (from different outlets, not"
            f" repeating the claimant); there {'is' if evidence.independent == 1 else 'are'}"
            f" {evidence.independent}."
        )
    if status == Status.MISLEADING and not (evidence.contradicting or evidence.context):
        return "Misleading needs at least one contradicting or context source."
    if status == Status.FALSE and not evidence.contradicting:
        return "False needs at least one contradicting source."
    return ""


class ProposalRefused(Exception):
    """A proposal that cannot be made; the message says why, for the person who tried."""


@transaction.atomic
def review_propose(*, claim: Claim, status: str, rationale: str, user) -> Review:
    """Open a pending review: the claim enters the editors' queue.

    The claim row is locked so two proposals for one claim cannot both be made; the database's
    one-pending-review constraint is the last line of defence.
    """
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    pending = claim.reviews.filter(decision=Decision.PENDING).select_related("proposed_by").first()
    if pending:
        raise ProposalRefused(
            f"{person_name(pending.proposed_by)} already proposed “{pending.get_proposed_status_display()}”;"
            " an editor has to decide that first."
        )
    review = Review.objects.create(
        claim=claim, previous_status=claim.status, proposed_status=status, rationale=rationale, proposed_by=user
    )
    _touch(claim, user)
    return review


@transaction.atomic
def evidence_add(*, claim: Claim, user, url: str, title: str, kind: str, **link) -> Evidence:
    """Link the source at `url` (reused if known, created otherwise) to the claim.

    An unknown domain becomes a new outlet with an unknown affiliation, so it counts as
    independent only once an editor has said whose it is.
    """
    source = Source.objects.filter(url=url).first()
    if source is None:
        domain = domain_of(url)
        outlet = (
            Outlet.objects.for_url(url) or Outlet.objects.get_or_create(domain=domain, defaults={"name": domain})[0]
        )
        source = Source.objects.create(url=url, title=title, outlet=outlet, kind=kind, added_by=user)
    elif title and not source.title:
        source.title = title
        source.save(update_fields=["title"])
    evidence = Evidence.objects.create(claim=claim, source=source, added_by=user, **link)
    _touch(claim, user)
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, user) -> None:
    """Unlink a source from a claim; the audit history keeps the link and who removed it."""
    claim = evidence.claim
    evidence.delete()
    _touch(claim, user)


def _touch(claim: Claim, user) -> None:
    """Record activity on the claim (the list's "last activity" order) without an edit's version bump."""
    Claim.objects.filter(pk=claim.pk).update(updated_at=timezone.now(), updated_by=user)


def person_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "Someone"
