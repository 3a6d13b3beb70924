"""The desk's rule book (DESIGN §3) and the writes that span several models, in one place:
evidence gates; proposing, approving, returning and withdrawing a status change; assignment;
linking and unlinking evidence. Every rule is enforced here, on the server, whatever the page shows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from claims.links import domain_of
from claims.models import Claim, Decision, Evidence, Outlet, Review, Source, Stance, Status
from claims.roles import is_editor

log = logging.getLogger("newsdesk.decisions")


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


class Refused(Exception):
    """A step the rules do not allow now; the message says why, for the person who tried."""


class NotAllowed(Refused):
    """A step this person may never take (their role, or their own proposal)."""


@transaction.atomic
def review_propose(*, claim: Claim, status: str, rationale: str, user) -> Review:
    """Open a pending review: the claim enters the editors' queue.

    The claim row is locked so two proposals for one claim cannot both be made; the database's
    one-pending-review constraint is the last line of defence.
    """
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    pending = claim.reviews.filter(decision=Decision.PENDING).select_related("proposed_by").first()
    if pending:
        raise Refused(
            f"{person_name(pending.proposed_by)} already proposed “{pending.get_proposed_status_display()}”;"
            " an editor has to decide that first."
        )
    review = Review.objects.create(
        claim=claim, previous_status=claim.status, proposed_status=status, rationale=rationale, proposed_by=user
    )
    _touch(claim, user)
    _log_after_commit("review.proposed", review, user)
    return review


def can_decide(review: Review, user) -> bool:
    """Editors decide, and not on their own proposals unless the desk allows it (DESIGN §3)."""
    return is_editor(user) and (review.proposed_by_id != user.pk or settings.ALLOW_SELF_APPROVAL)


@transaction.atomic
def review_approve(*, review: Review, user, note: str = "") -> Review:
    """Approve a pending review: the claim takes the proposed status in the same transaction.

    The review row is locked first, so of two editors deciding at once exactly one wins; the other
    waits for the lock, then finds the review decided and is told by whom.
    """
    review, claim = _lock_pending(review, user)
    evidence = EvidenceSummary.of(Claim.objects.with_evidence_summary().get(pk=claim.pk))
    missing = unmet_gate(review.proposed_status, evidence, review.rationale)
    if missing:
        raise Refused(f"Not approved: {missing}")
    review.evidence_snapshot = evidence_snapshot(claim)
    _decide(review, Decision.APPROVED, user, note, extra_fields=["evidence_snapshot"])
    claim.status = review.proposed_status
    claim.updated_at, claim.updated_by = review.decided_at, user
    claim.save(update_fields=["status", "updated_at", "updated_by"])
    return review


@transaction.atomic
def review_return(*, review: Review, user, note: str) -> Review:
    """Send a proposal back to its author with a note saying what is needed."""
    review, claim = _lock_pending(review, user)
    if not note.strip():
        raise Refused("Say what is missing: the fact-checker sees this note.")
    _decide(review, Decision.RETURNED, user, note.strip())
    _touch(claim, user)
    return review


@transaction.atomic
def review_withdraw(*, review: Review, user) -> Review:
    """The proposer takes a pending proposal back."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.proposed_by_id != user.pk:
        raise NotAllowed("Only the person who proposed it can withdraw a proposal.")
    _still_pending(review)
    _decide(review, Decision.WITHDRAWN, user, "")
    _touch(review.claim, user)
    return review


def _lock_pending(review: Review, user) -> tuple[Review, Claim]:
    if not is_editor(user):
        raise NotAllowed("Only editors approve or return proposals.")
    review = Review.objects.select_for_update().get(pk=review.pk)
    _still_pending(review)
    if not can_decide(review, user):
        raise NotAllowed("Someone else has to decide on your own proposal: that is the second pair of eyes.")
    # Lock the claim too: evidence and status must not change under the decision.
    claim = Claim.objects.select_for_update().get(pk=review.claim_id)
    return review, claim


def _still_pending(review: Review) -> None:
    # decided_by is read after the lock, not joined into the locking query: a row re-read after
    # waiting for another transaction's lock does not bring fresh joined rows with it.
    if review.decision != Decision.PENDING:
        when = timezone.localtime(review.decided_at).strftime("%d %b %H:%M")
        raise Refused(
            f"Already {review.get_decision_display().lower()} by {person_name(review.decided_by)} at {when};"
            " nothing was changed."
        )


def _decide(review: Review, decision: str, user, note: str, extra_fields: tuple = ()) -> None:
    review.decision, review.decided_by, review.decided_at, review.decision_note = decision, user, timezone.now(), note
    review.save(update_fields=["decision", "decided_by", "decided_at", "decision_note", *extra_fields])
    _log_after_commit(f"review.{decision}", review, user)


def _log_after_commit(event: str, review: Review, user) -> None:
    """One JSON log line per step of a review, written only once the step is committed."""
    fields = {
        "event": event,
        "review": review.pk,
        "claim": review.claim_id,
        "from_status": review.previous_status,
        "to_status": review.proposed_status,
        "user": user.get_username(),
        "user_id": user.pk,
    }
    transaction.on_commit(lambda: log.info(event, extra=fields))


def evidence_snapshot(claim: Claim) -> dict:
    """The claim's evidence as a report quotes it: the counts, and the sources with independent
    corroborations first, then other corroborations, contradictions and context."""
    summary = EvidenceSummary.of(Claim.objects.with_evidence_summary().get(pk=claim.pk))
    claim = Claim.objects.select_related("claimant").get(pk=claim.pk)
    items = list(Evidence.objects.filter(claim=claim).select_related("source__outlet__affiliation"))
    order = {Stance.CORROBORATES: 1, Stance.CONTRADICTS: 2, Stance.CONTEXT: 3}
    sources = []
    for item in items:
        item.claim = claim
        sources.append(
            {
                "url": item.source.url,
                "title": item.source.title,
                "outlet": item.source.outlet.name if item.source.outlet else "",
                "stance": item.stance,
                "independent": item.is_independent,
                "repeats_claimant": item.repeats_claimant,
            }
        )
    sources.sort(key=lambda source: (0 if source["independent"] else order[source["stance"]], source["url"]))
    return {
        "corroborating": summary.corroborating,
        "independent": summary.independent,
        "contradicting": summary.contradicting,
        "context": summary.context,
        "sources": sources,
    }


@transaction.atomic
def claims_assign(*, claim_ids: list[int], assignee, user) -> int:
    """Give claims to a desk member (or to nobody).

    Editors assign anyone; a fact-checker may only take an unassigned claim for themselves. The
    version moves on, so an edit form opened before the assignment sees it as a change rather than
    silently undoing it.
    """
    claims = Claim.objects.filter(pk__in=claim_ids)
    if not is_editor(user):
        if assignee != user or len(claim_ids) != 1:
            raise NotAllowed("Only editors assign claims to others.")
        claims = claims.filter(assignee__isnull=True)
    updated = claims.update(assignee=assignee, version=F("version") + 1, updated_at=timezone.now(), updated_by=user)
    if not updated and not is_editor(user):
        # The update re-checks "unassigned" under the row lock: of two takers, the second gets 0.
        raise Refused("Someone has already taken this claim.")
    return updated


@transaction.atomic
def evidence_add(*, claim: Claim, user, url: str, title: str, kind: str, **link) -> Evidence:
    """Link the source at `url` (reused if known, created otherwise) to the claim.

    An unknown domain becomes a new outlet with an unknown affiliation, so it counts as
    independent only once an editor has said whose it is.
    """
    source = source_for_url(url, title=title, kind=kind, user=user)
    evidence = Evidence.objects.create(claim=claim, source=source, added_by=user, **link)
    _touch(claim, user)
    return evidence


def source_for_url(url: str, *, title: str, kind: str, user) -> Source:
    """The Source at a canonical `url`: the known one (given a title if it had none), or a new one
    whose outlet is recognised from the domain or created with an unknown affiliation."""
    source = Source.objects.filter(url=url).first()
    if source is None:
        domain = domain_of(url)
        outlet = (
            Outlet.objects.for_url(url)
            or Outlet.objects.get_or_create(domain=domain, defaults={"name": domain[:200]})[0]
        )
        return Source.objects.create(url=url, title=title, outlet=outlet, kind=kind, added_by=user)
    if title and not source.title:
        source.title = title
        source.save(update_fields=["title"])
    return source


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
