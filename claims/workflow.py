"""The one door for writes to desk rows (docs/architecture.md, "One door for writes").

Forms validate input; views call a function here; the function checks the person's role, the claim's
state and the evidence gates under row locks, writes, and records the audit trail. A step the rules do
not allow raises a Refusal with a sentence for the person and the HTTP status it answers with: 403 for
a role (NotAllowed), 409 for a state that changed (Refused, Conflict), 422 for what the request lacks
(Invalid: an unmet gate, a missing reason). Views put the sentence beside the field it names;
claims.middleware answers any refusal a view does not handle, in one place.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import capfirst

from captures.models import Capture
from captures.tasks import capture_source
from claims import duplicates, exports, signals
from claims.links import InvalidURL, domain_of, normalize_url
from claims.models import (
    Affiliation,
    Appearance,
    Claim,
    Claimant,
    ClaimantKind,
    ClaimTag,
    Correction,
    Decision,
    Evidence,
    ExportFormat,
    JobState,
    Outlet,
    ReportExport,
    Review,
    Source,
    SourceKind,
    Stance,
    Status,
    Tag,
    _shown,
)
from claims.people import display_name
from claims.reports import IsoWeek
from claims.roles import DeskRefusal, is_editor
from claims.tasks import export_report
from claims.wording import collapse_spaces

log = logging.getLogger("newsdesk.decisions")
ModelT = TypeVar("ModelT", bound=models.Model)


@dataclass(frozen=True)
class EvidenceSummary:
    corroborating: int
    independent: int
    contradicting: int
    context: int

    @classmethod
    def of(cls, claim: Any) -> EvidenceSummary:
        """Read the counts annotated by Claim.objects.with_evidence_summary() (so `claim` is a Claim with
        four more attributes, which the type checker cannot see)."""
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


class Refusal(Exception):
    """A step the rules do not allow; the message says why, for the person who tried.

    `field` names the form field the sentence belongs beside (None: above the form).
    """

    status_code = 409

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class Refused(Refusal):
    """Not now: the state of the desk does not allow it (409), or the request lacks something (Invalid)."""


class NotAllowed(Refusal, DeskRefusal):
    """A step this person may never take (their role, or their own proposal): a 403 with the reason.

    Not a Refused, so a view that answers refusals beside its form lets this one through to the 403 page.
    """

    status_code = 403


class Invalid(Refused):
    """The request lacks what the rules need (an evidence gate, a reason): a 422, nothing written."""

    status_code = 422


class Conflict(Refused):
    """Someone else saved the claim since this person opened it: what they changed, and who."""

    def __init__(
        self, message: str, *, changes: list[tuple[str, str, str]], saved_by: User | None, version: int
    ) -> None:
        super().__init__(message)
        self.changes, self.saved_by, self.version = changes, saved_by, version


# Who may take each step: the permission a role's group grants (claims/roles.py), and the sentence
# for someone without it. Views ask here too, before reading a form, so a forbidden request is a 403
# whatever it holds.
PERMISSIONS = {
    "log_claim": ("claims.add_claim", "Your role cannot log claims."),
    "edit_claim": ("claims.change_claim", "Your role cannot edit claims."),
    "assign": ("claims.change_claim", "Your role cannot assign claims."),
    "add_evidence": ("claims.add_evidence", "Your role cannot add evidence."),
    "remove_evidence": ("claims.delete_evidence", "Your role cannot remove evidence."),
    "capture": ("claims.add_evidence", "Your role cannot capture sources."),
    "propose": ("claims.add_review", "Your role cannot propose a status."),
    "decide": ("claims.decide_review", "Only editors approve or return proposals."),
    "merge": ("claims.decide_review", "Only editors merge claims."),
    "add_affiliation": ("claims.add_affiliation", "Only editors add affiliations."),
    "change_affiliation": ("claims.change_affiliation", "Only editors change affiliations."),
    "change_outlet": ("claims.change_outlet", "Only editors change an outlet's name or affiliation."),
    "change_claimant": ("claims.change_affiliation", "Only editors change whose side a claimant is on."),
    "import": ("claims.change_outlet", "Only editors import other fact-checkers' reviews."),
    # Anyone who may read a report may have its file prepared (docs/report-format.md, "Busy weeks").
    "export_report": ("claims.view_claim", "Your role cannot prepare report files."),
}


def ensure_allowed(user: User | AnonymousUser, action: str) -> None:
    """The role check of every write; NotAllowed (a 403 with the reason) when the role lacks it."""
    permission, message = PERMISSIONS[action]
    if not (user.is_authenticated and user.has_perm(permission)):
        raise NotAllowed(message)


def _on_desk(claim: Claim) -> None:
    if claim.merged_into_id:
        raise Refused(f"Claim #{claim.pk} was merged into #{claim.merged_into_id}; work on that claim instead.")


def summary_of(claim_id: int) -> EvidenceSummary:
    return EvidenceSummary.of(Claim.objects.with_evidence_summary().get(pk=claim_id))


def has_verdict(claim: Claim) -> bool:
    """Whether an editor has approved a status for the claim (then what it says does not drift)."""
    return claim.reviews.filter(decision=Decision.APPROVED).exists()


@transaction.atomic
def review_propose(*, claim: Claim, status: str, rationale: str, user: User) -> Review:
    """Open a pending review: the claim enters the editors' queue.

    The claim row is locked so two proposals for one claim cannot both be made; the database's
    one-pending-review constraint is the last line of defence.
    """
    ensure_allowed(user, "propose")
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    _on_desk(claim)
    pending = claim.reviews.filter(decision=Decision.PENDING).select_related("proposed_by").first()
    if pending:
        who = display_name(pending.proposed_by, nobody="Someone")
        raise Refused(
            f"{who} already proposed “{pending.get_proposed_status_display()}”; an editor has to decide that first."
        )
    if status not in Status.values:
        raise Invalid("Choose a status from the scale.", field="status")
    if status == claim.status:
        raise Invalid(f"The claim is already {claim.get_status_display().lower()}.", field="status")
    # The queue holds only proposals an editor can approve: an unmet gate is refused now, with the
    # sentence the form shows beside the status.
    missing = unmet_gate(status, summary_of(claim.pk), rationale)
    if missing:
        raise Invalid(missing, field="rationale" if not rationale.strip() else "status")
    review = Review.objects.create(
        claim=claim, previous_status=claim.status, proposed_status=status, rationale=rationale, proposed_by=user
    )
    _touch(claim, user)
    _log_after_commit("review.proposed", review, user)
    signals.review_proposed.send(sender=Review, review=review, by=user)
    return review


def can_decide(review: Review, user: User) -> bool:
    """Editors decide, and not on their own proposals unless the desk allows it (docs/architecture.md, "Four eyes")."""
    return is_editor(user) and (review.proposed_by_id != user.pk or settings.ALLOW_SELF_APPROVAL)


@transaction.atomic
def review_approve(*, review: Review, user: User, note: str = "") -> Review:
    """Approve a pending review: the claim takes the proposed status in the same transaction.

    The review row is locked first, so of two editors deciding at once exactly one wins; the other
    waits for the lock, then finds the review decided and is told by whom.
    """
    review, claim = _lock_pending(review, user)
    missing = unmet_gate(review.proposed_status, summary_of(claim.pk), review.rationale)
    if missing:  # the evidence changed since the proposal was made: a state, not the request, says no
        raise Refused(f"Not approved: {missing}")
    review.evidence_snapshot = evidence_snapshot(claim)
    decided_at = _decide(review, Decision.APPROVED, user, note, extra_fields=("evidence_snapshot",))
    claim.status = review.proposed_status
    claim.updated_at, claim.updated_by = decided_at, user
    claim.save(update_fields=["status", "updated_at", "updated_by"])
    signals.review_decided.send(sender=Review, review=review, by=user)
    return review


@transaction.atomic
def review_return(*, review: Review, user: User, note: str) -> Review:
    """Send a proposal back to its author with a note saying what is needed."""
    review, claim = _lock_pending(review, user)
    if not note.strip():
        raise Invalid("Say what is missing: the fact-checker sees this note.", field="note")
    _decide(review, Decision.RETURNED, user, note.strip())
    _touch(claim, user)
    signals.review_decided.send(sender=Review, review=review, by=user)
    return review


@transaction.atomic
def review_withdraw(*, review: Review, user: User) -> Review:
    """The proposer takes a pending proposal back."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.proposed_by_id != user.pk:
        raise NotAllowed("Only the person who proposed it can withdraw a proposal.")
    _still_pending(review)
    _decide(review, Decision.WITHDRAWN, user, "")
    _touch(review.claim, user)
    signals.review_decided.send(sender=Review, review=review, by=user)
    return review


def _lock_pending(review: Review, user: User) -> tuple[Review, Claim]:
    ensure_allowed(user, "decide")
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
        who = display_name(review.decided_by, nobody="Someone")
        raise Refused(f"Already {review.get_decision_display().lower()} by {who} at {when}; nothing was changed.")


def _decide(review: Review, decision: str, user: User, note: str, extra_fields: tuple[str, ...] = ()) -> dt.datetime:
    decided_at = timezone.now()
    review.decision, review.decided_by, review.decided_at, review.decision_note = decision, user, decided_at, note
    review.save(update_fields=["decision", "decided_by", "decided_at", "decision_note", *extra_fields])
    _log_after_commit(f"review.{decision}", review, user)
    return decided_at


def _log_after_commit(event: str, review: Review, user: User) -> None:
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
    summary = summary_of(claim.pk)
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
def claims_assign(*, claim_ids: list[int], assignee: User | None, user: User) -> int:
    """Give claims to a desk member (or to nobody).

    Editors assign anyone; a fact-checker may only take an unassigned claim for themselves. The
    version moves on, so an edit form opened before the assignment sees it as a change rather than
    silently undoing it.
    """
    ensure_allowed(user, "assign")
    claims = Claim.objects.on_desk().filter(pk__in=claim_ids)  # a merged duplicate takes no more work
    if not is_editor(user):
        if assignee != user or len(claim_ids) != 1:
            raise NotAllowed("Only editors assign claims to others.")
        claims = claims.filter(assignee__isnull=True)
    updated = claims.update(assignee=assignee, version=F("version") + 1, updated_at=timezone.now(), updated_by=user)
    if not updated and not is_editor(user):
        # The update re-checks "unassigned" under the row lock: of two takers, the second gets 0.
        raise Refused("Someone has already taken this claim.")
    if updated:
        assigned = list(Claim.objects.filter(pk__in=claim_ids, assignee=assignee).order_by("pk"))
        signals.claims_assigned.send(sender=Claim, claims=assigned, assignee=assignee, by=user)
    return updated


@transaction.atomic
def evidence_add(*, claim: Claim, user: User, url: str, title: str, kind: str, **link: Any) -> Evidence:
    """Link the source at `url` (reused if known, created otherwise) to the claim.

    An unknown domain becomes a new outlet with an unknown affiliation, so it counts as
    independent only once an editor has said whose it is.
    """
    ensure_allowed(user, "add_evidence")
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    _on_desk(claim)
    source = source_for_url(url, title=title, kind=kind, user=user)
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(claim=claim, source=source, added_by=user, **link)
    except IntegrityError as error:  # the same source linked a moment ago: one link per claim and source
        raise Refused("This source was just linked to the claim by someone else.", field="url") from error
    _touch(claim, user)
    # The desk keeps its own copy of a source from the first time it is linked. Queued in this
    # transaction, so the link and its capture job commit together; the request does not wait for it.
    if settings.CAPTURE_ON_LINK:
        capture_request(source=source, user=user, unless_captured=True)
    signals.evidence_added.send(sender=Evidence, evidence=evidence, by=user)
    return evidence


RECAPTURE_AFTER = dt.timedelta(minutes=1)


@transaction.atomic
def capture_request(*, source: Source, user: User | None, unless_captured: bool = False) -> Capture:
    """Queue a capture of the source (docs/architecture.md, "Evidence that does not vanish").

    Earlier captures are kept. While one is queued or running, asking again returns that one; with
    `unless_captured` (linking a source) any earlier capture is returned instead of a new one.
    `user` is None for the command line (`manage.py capture_sources`), which acts for the desk itself.
    """
    if user is not None:
        ensure_allowed(user, "capture")
    Source.objects.select_for_update().get(pk=source.pk)  # one request at a time per source
    # A queued or running capture is always the newest: at most one is unfinished (a partial index).
    latest = source.captures.newest_first().first()
    if latest and (unless_captured or not latest.finished):
        return latest
    # Each capture runs a browser on a worker: a page captured a moment ago is not captured again
    # (a failed capture may be tried again at once: the server may be back).
    if latest and latest.state == JobState.DONE and timezone.now() - latest.finished_at < RECAPTURE_AFTER:
        raise Refused("This source was captured less than a minute ago; its newest capture is shown.")
    capture = Capture.objects.create(source=source, requested_by=user)
    capture_source.defer(capture_id=capture.pk)
    return capture


@transaction.atomic
def report_export_request(*, week: str, fmt: str, user: User) -> ReportExport:
    """Queue the PDF or JSON file of a busy week's report (docs/report-format.md, "Busy weeks").

    A past week's report never changes, so a file of it finished after the week ended is handed back
    instead of written again. While one is queued or running for the week and format, asking again
    returns that one (the partial unique index backs this up).
    """
    ensure_allowed(user, "export_report")
    if fmt not in ExportFormat.values:
        raise Invalid("The desk prepares a report's file as a PDF or as JSON.", field="format")
    try:
        report_week = IsoWeek.parse(week)
    except ValueError as error:
        raise Invalid(str(error), field="week") from error
    same_file = ReportExport.objects.filter(week=str(report_week), format=fmt)
    running = same_file.unfinished().first()
    if running:
        return running
    if report_week.end <= timezone.now():
        final = same_file.filter(state=JobState.DONE, started_at__gte=report_week.end)
        done = final.order_by("-finished_at", "-id").first()
        if done and exports.storage().exists(done.file_name):
            return done
    try:
        with transaction.atomic():
            export = ReportExport.objects.create(
                week=str(report_week), format=fmt, requested_by=user, progress="Waiting for a worker"
            )
    except IntegrityError as error:  # someone asked for the same file a moment ago: theirs is the one
        running = same_file.unfinished().first()
        if running is None:
            raise Refused("Someone else's request for this file has just ended; ask again.") from error
        return running
    # Queued in this transaction, so the export and its job commit together.
    export_report.defer(export_id=export.pk)
    return export


def source_for_url(url: str, *, title: str, kind: str, user: User | None) -> Source:
    """The Source at a canonical `url`: the known one (given a title if it had none), or a new one
    whose outlet is recognised from the domain or created with an unknown affiliation."""
    source = Source.objects.filter(url=url).first()
    if source is None:
        domain = domain_of(url)
        outlet = (
            Outlet.objects.for_url(url)
            or Outlet.objects.get_or_create(domain=domain, defaults={"name": domain[:200]})[0]
        )
        try:
            with transaction.atomic():
                return Source.objects.create(url=url, title=title, outlet=outlet, kind=kind, added_by=user)
        except IntegrityError:  # someone added the same address a moment ago: use theirs
            source = Source.objects.get(url=url)
    if title and not source.title:
        source.title = title
        source.save(update_fields=["title"])
    return source


@transaction.atomic
def evidence_remove(*, evidence: Evidence, user: User) -> None:
    """Unlink a source from a claim; the audit history keeps the link and who removed it.

    A verdict stands on its evidence: a removal that would leave the claim's status below its gate
    is refused (the status changes first, through a review).
    """
    ensure_allowed(user, "remove_evidence")
    claim = Claim.objects.select_for_update().get(pk=evidence.claim_id)
    _on_desk(claim)
    evidence.delete()
    if claim.status != Status.UNVERIFIED:
        missing = unmet_gate(claim.status, summary_of(claim.pk), "given")
        if missing:
            raise Invalid(
                f"Not removed: the claim is {claim.get_status_display()}, and without this source it would"
                f" not meet that status's gate: {missing} Propose a new status first."
            )
    _touch(claim, user)


# --- Claims, appearances, merges ----------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimantChoice:
    """Who made a claim, as typed: an existing claimant's name, or a new one with its kind and side."""

    name: str
    kind: str = ClaimantKind.OTHER
    affiliation: Affiliation | None = None


def claimant_for(choice: ClaimantChoice) -> Claimant:
    """The claimant called `choice.name` or known by it (an alias: "MoD" is the Russian Ministry of
    Defence), created when nobody is."""
    known = Claimant.objects.named(choice.name).first()  # its name or an alias, in any letter case
    if known is not None:
        return known
    return _create_by_name(
        Claimant, choice.name, kind=choice.kind or ClaimantKind.OTHER, affiliation=choice.affiliation
    )


def _get_or_create_by_name(model: type[ModelT], name: str, **fields: Any) -> ModelT:
    """The row with this name in any letter case, created if missing. Two people creating the same
    name at once both end up with the one row (the unique index decides, the loser reads it)."""
    found = model._default_manager.filter(name__iexact=name).first()
    return found or _create_by_name(model, name, **fields)


def _create_by_name(model: type[ModelT], name: str, **fields: Any) -> ModelT:
    """A new row with this name, or the one someone created a moment before us (the unique index on
    the lower-cased name decides, the loser reads it)."""
    try:
        with transaction.atomic():
            return model._default_manager.create(name=name, **fields)
    except IntegrityError:
        return model._default_manager.get(name__iexact=name)


@transaction.atomic
def claim_log(
    *, user: User, values: dict, claimant: ClaimantChoice, tags: list[str], likely_duplicates: list[Claim] | None = None
) -> Claim:
    """Log a new claim (its claimant and tags created as needed), unverified, and remember which
    claims it reads like (`likely_duplicates`, when the caller has searched already)."""
    ensure_allowed(user, "log_claim")
    if values.get("assignee") is not None and not is_editor(user):
        raise NotAllowed("Only editors assign claims to others.", field="assignee")
    now = timezone.now()
    claim = Claim(**values, claimant=claimant_for(claimant), created_by=user, created_at=now)
    claim.updated_by, claim.updated_at = user, now
    claim.save()
    _set_tags(claim, tags)
    duplicates.record_for(claim, likely_duplicates)
    signals.claim_logged.send(sender=Claim, claim=claim, by=user)
    if claim.assignee is not None:  # given to someone as it was logged: as if assigned a moment later
        signals.claims_assigned.send(sender=Claim, claims=[claim], assignee=claim.assignee, by=user)
    return claim


@dataclass(frozen=True)
class Edited:
    claim: Claim
    correction: Correction | None  # when the edit changed what a verdict is about


@transaction.atomic
def claim_update(
    *, claim: Claim, user: User, version: int, values: dict, claimant: ClaimantChoice, tags: list[str], reason: str = ""
) -> Edited:
    """Save an edit made on a form opened at `version`.

    Optimistic locking: the row is locked and the save goes through only if nobody saved since the
    form was opened (else Conflict, with what they changed). On a claim with a verdict, what the
    verdict is about changes only by an editor's hand with a reason, recorded as a correction.
    """
    ensure_allowed(user, "edit_claim")
    current = Claim.objects.select_for_update().get(pk=claim.pk)
    _on_desk(current)
    if current.version != version:
        # Who saved last is read after the lock, not joined into the locking query: a row re-read
        # after waiting for another transaction's lock does not bring fresh joined rows with it.
        raise Conflict(
            "Someone else saved this claim while you were editing.",
            changes=current.changes_since(version),
            saved_by=current.updated_by,
            version=current.version,
        )
    edited = copy.copy(current)
    for name, value in values.items():
        # A value that only differs from the stored one in its spelling (spacing, line breaks, a
        # tracking parameter, seconds the form does not show) is the stored value: saving a form
        # unchanged must not count as rewording a decided claim.
        setattr(edited, name, getattr(current, name) if _same_value(name, getattr(current, name), value) else value)
    same_claimant = collapse_spaces(claimant.name).lower() == collapse_spaces(current.claimant.name).lower()
    edited.claimant = current.claimant if same_claimant else claimant_for(claimant)
    changed = Claim.edited_fields(current, edited)
    if any(field.name == "assignee" for field in changed) and not is_editor(user):
        raise NotAllowed("Only editors assign claims to others.", field="assignee")
    subject = [field for field in changed if field.name in Claim.VERDICT_SUBJECT_FIELDS]
    correction = (
        _correct(current, edited, subject, user=user, reason=reason) if subject and has_verdict(current) else None
    )
    edited.version = current.version + 1
    edited.updated_by, edited.updated_at = user, timezone.now()
    edited.save()
    _set_tags(edited, tags)
    if edited.text != current.text:
        duplicates.record_for(edited)
    if edited.assignee_id != current.assignee_id and edited.assignee is not None:
        signals.claims_assigned.send(sender=Claim, claims=[edited], assignee=edited.assignee, by=user)
    if correction:  # told once the claim says what the correction made it say
        correction.claim = edited
        signals.claim_corrected.send(sender=Correction, correction=correction, by=user)
    return Edited(edited, correction)


def _same_value(name: str, stored: Any, entered: Any) -> bool:
    """Whether an entered value says what the stored one says, as the claim form would write it."""
    if stored == entered:
        return True
    if name == "text":
        return collapse_spaces(stored) == collapse_spaces(entered)
    if name == "quote":
        return stored.replace("\r\n", "\n").strip() == entered.replace("\r\n", "\n").strip()
    if name == "origin_url" and stored and entered:
        try:
            return normalize_url(stored) == normalize_url(entered)
        except InvalidURL:
            return False
    if name == "claimed_time" and stored and entered:
        return stored.replace(second=0, microsecond=0) == entered.replace(second=0, microsecond=0)
    return False


def _correct(before: Claim, after: Claim, fields: list[models.Field], *, user: User, reason: str) -> Correction:
    """Record a change to what a decided claim says: editors only, with the reason published."""
    status = before.get_status_display()
    if not is_editor(user):
        raise NotAllowed(
            f"This claim has a verdict ({status}): what it says, who said it, the quote, the date and the"
            " origin change only through an editor, as a published correction. Propose a new status, or"
            " ask an editor to correct it.",
            field=_form_field(fields[0]),
        )
    if not reason.strip():
        raise Invalid(
            f"Say why: this claim has a verdict ({status}), so the change is published as a correction.",
            field="correction_reason",
        )
    changes = [
        {"field": capfirst(field.verbose_name), "before": _shown(before, field), "after": _shown(after, field)}
        for field in fields
    ]
    correction = Correction.objects.create(
        claim=before, reason=reason.strip(), changes=changes, status=before.status, made_by=user
    )
    return correction


def _form_field(field: models.Field) -> str:
    return "claimant_name" if field.name == "claimant" else field.name


def _set_tags(claim: Claim, names: list[str]) -> None:
    wanted = [_get_or_create_by_name(Tag, name) for name in names]
    # Only the links that changed are written, so the audit history shows real changes.
    ClaimTag.objects.filter(claim=claim).exclude(tag__in=wanted).delete()
    existing = set(ClaimTag.objects.filter(claim=claim).values_list("tag_id", flat=True))
    ClaimTag.objects.bulk_create([ClaimTag(claim=claim, tag=tag) for tag in wanted if tag.pk not in existing])


@transaction.atomic
def appearance_add(
    *, claim: Claim, user: User, claimant: ClaimantChoice, appeared_on: dt.date, origin_url: str = "", quote: str = ""
) -> Appearance:
    """Record another time a claim on the desk was made, instead of logging it again."""
    ensure_allowed(user, "log_claim")
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    _on_desk(claim)
    appearance = Appearance.objects.create(
        claim=claim,
        claimant=claimant_for(claimant),
        appeared_on=appeared_on,
        origin_url=origin_url,
        quote=quote,
        added_by=user,
    )
    _touch(claim, user)
    return appearance


@dataclass(frozen=True)
class StoryRef:
    """The story claims were read from (intake): its canonical address ("" when it has none) and title."""

    url: str
    title: str = ""


@dataclass(frozen=True)
class StoryEntry:
    """One claim ticked on the intake page: logged new, or recorded as another appearance of a claim on
    the desk (`appearance_of`). `values` are the claim's text, claimed_on and quote; `excerpt` is the
    story's sentence it came from."""

    values: dict
    claimant: ClaimantChoice
    excerpt: str = ""
    appearance_of: int | None = None


class StoryEntryRefused(Refused):
    """One entry of a story was refused, so none was logged: `position` (from 0) says which."""

    def __init__(self, refusal: Refused, *, position: int, field: str | None = None):
        super().__init__(str(refusal), field=refusal.field or field)
        self.status_code = refusal.status_code
        self.position = position


@transaction.atomic
def claims_log_from_story(*, user: User, story: StoryRef, entries: list[StoryEntry]) -> list[Claim | Appearance]:
    """Log the claims ticked from one story, all or none (docs/intake.md).

    Each new claim is logged as the claim form logs one, and the story, when it has an address, becomes a
    source linked to it as context, its sentence the excerpt. An entry that repeats a claim on the desk
    becomes an appearance of it, whose origin is the story. The first refusal undoes every entry.
    """
    ensure_allowed(user, "log_claim")
    if story.url:
        ensure_allowed(user, "add_evidence")
    if not entries:
        raise Invalid("Tick at least one candidate to log.")
    source = source_for_url(story.url, title=story.title, kind=SourceKind.ARTICLE, user=user) if story.url else None
    written: list[Claim | Appearance] = []
    for position, entry in enumerate(entries):
        try:
            if entry.appearance_of is not None:
                original = Claim.objects.filter(pk=entry.appearance_of).first()
                if original is None:
                    raise Refused(f"Claim #{entry.appearance_of} is no longer on the desk.", field="duplicate")
                written.append(
                    appearance_add(
                        claim=original,
                        user=user,
                        claimant=entry.claimant,
                        appeared_on=entry.values["claimed_on"],
                        origin_url=story.url,
                        quote=entry.values.get("quote", ""),
                    )
                )
                continue
            claim = claim_log(user=user, values=entry.values, claimant=entry.claimant, tags=[])
            if source is not None:
                _link_story(claim, source, user=user, excerpt=entry.excerpt)
            written.append(claim)
        except Refused as refusal:
            # An appearance refused for its original (merged meanwhile) is said beside the choice of original.
            choice = "duplicate" if entry.appearance_of is not None else None
            raise StoryEntryRefused(refusal, position=position, field=choice) from refusal
    # The desk keeps its own copy of the story, as of any source linked (evidence_add): one capture
    # for all the claims it is linked to.
    if source is not None and settings.CAPTURE_ON_LINK and any(isinstance(item, Claim) for item in written):
        capture_request(source=source, user=user, unless_captured=True)
    return written


def _link_story(claim: Claim, source: Source, *, user: User, excerpt: str) -> Evidence:
    """The story as context evidence of a claim just logged from it: evidence_add's writes without its
    lock and touch of the claim, which this transaction has only now created (so the claim's history
    holds one entry, its logging, rather than a second "changed" for the link)."""
    evidence = Evidence.objects.create(
        claim=claim, source=source, stance=Stance.CONTEXT, excerpt=excerpt, added_by=user
    )
    signals.evidence_added.send(sender=Evidence, evidence=evidence, by=user)
    return evidence


@dataclass(frozen=True)
class Merged:
    original: Claim
    moved_evidence: int  # sources that came over (one both claims had stays on the duplicate)


@transaction.atomic
def claim_merge(*, duplicate: Claim, into: int, user: User, reason: str) -> Merged:
    """Fold a duplicate into the claim it repeats. Nothing is deleted: the duplicate keeps its
    reviews and history and becomes an appearance of the original; its evidence moves over (a
    source both already have stays where it is); its page redirects to the original."""
    ensure_allowed(user, "merge")
    if not reason.strip():
        raise Invalid("Say why these are the same claim; the history keeps the reason.", field="reason")
    if into == duplicate.pk:
        raise Invalid("A claim cannot be merged into itself.", field="into")
    # Both rows locked, lower id first, so two merges of the same pair cannot deadlock.
    both = Claim.objects.select_for_update().filter(pk__in=[duplicate.pk, into]).order_by("pk")
    locked = {claim.pk: claim for claim in both}
    if into not in locked:
        raise Invalid(f"There is no claim #{into}.", field="into")
    duplicate, original = locked[duplicate.pk], locked[into]
    if duplicate.merged_into_id:
        raise Refused(f"Claim #{duplicate.pk} was already merged into #{duplicate.merged_into_id}.")
    if original.merged_into_id:
        raise Invalid(
            f"Claim #{original.pk} was itself merged into #{original.merged_into_id}; merge into that one.",
            field="into",
        )
    if duplicate.reviews.filter(decision=Decision.PENDING).exists():
        raise Refused(f"A proposal on #{duplicate.pk} waits for an editor: decide it before merging.")
    # A verdict never disappears into a claim without one: the decided claim is the original.
    if has_verdict(duplicate) and not has_verdict(original):
        raise Invalid(
            f"Claim #{duplicate.pk} has a verdict ({duplicate.get_status_display()}) and #{original.pk} has none:"
            f" merge #{original.pk} into #{duplicate.pk} instead.",
            field="into",
        )
    now = timezone.now()
    on_original = Evidence.objects.filter(claim=original).values("source_id")
    moved = Evidence.objects.filter(claim=duplicate).exclude(source_id__in=on_original).update(claim=original)
    # The duplicate's own appearances are copied, not moved: a past week's report of the original
    # lists the appearances it had then.
    said = [(duplicate.claimant_id, duplicate.origin_url, duplicate.claimed_on, duplicate.quote)]
    said += duplicate.appearances.values_list("claimant_id", "origin_url", "appeared_on", "quote")
    repeats = [
        Appearance(
            claim=original,
            claimant_id=claimant_id,
            origin_url=origin_url,
            appeared_on=appeared_on,
            quote=quote,
            added_by=user,
            added_at=now,
        )
        for claimant_id, origin_url, appeared_on, quote in said
    ]
    Appearance.objects.bulk_create(repeats)
    # An original is never itself merged: duplicates folded into this one now point at the new original,
    # so every old address redirects in one step.
    Claim.objects.filter(merged_into=duplicate).update(merged_into=original)
    duplicate.merged_into, duplicate.merged_at, duplicate.merged_by = original, now, user
    duplicate.merge_reason = reason.strip()
    duplicate.version += 1
    duplicate.updated_by, duplicate.updated_at = user, now
    duplicate.save(
        update_fields=["merged_into", "merged_at", "merged_by", "merge_reason", "version", "updated_by", "updated_at"]
    )
    _touch(original, user)
    return Merged(original, moved)


@dataclass(frozen=True)
class OutsideReview:
    """Another fact-checker's ClaimReview, read and checked by claims/imports.py."""

    text: str
    claimant: ClaimantChoice
    claimed_on: dt.date
    origin_url: str
    article_url: str
    title: str
    stance: str
    excerpt: str


@transaction.atomic
def claimreview_record(*, review: OutsideReview, user: User | None) -> str:
    """Bring in an outside review as evidence: the claim found (by claimant and wording) or logged
    unverified, the other fact-checker's article linked with the stance their rating gives. The
    desk's own status is not touched. Importing the same article again changes nothing.

    `user` is None for the command line, which acts for the desk itself.
    """
    if user is not None:
        ensure_allowed(user, "import")
    # Already imported from this article? (Found even after the desk reworded the claim.)
    earlier = Evidence.objects.filter(source__url=review.article_url).first()
    if earlier:
        return f"already imported (claim #{earlier.claim_id})"
    claimant = claimant_for(review.claimant)
    claim = Claim.objects.filter(claimant=claimant, text=review.text).order_by("pk").first()
    if claim is not None and claim.merged_into_id:
        claim = Claim.objects.get(pk=claim.merged_into_id)  # merged once; an original is never merged
    created_claim = claim is None
    if claim is None:
        claim = Claim.objects.create(
            text=review.text,
            claimant=claimant,
            claimed_on=review.claimed_on,
            origin_url=review.origin_url,
            created_by=user,
            updated_by=user,
        )
        duplicates.record_for(claim)
        signals.claim_logged.send(sender=Claim, claim=claim, by=user)
    source = source_for_url(review.article_url, title=review.title, kind=SourceKind.ARTICLE, user=user)
    _, linked = Evidence.objects.get_or_create(
        claim=claim, source=source, defaults={"stance": review.stance, "excerpt": review.excerpt, "added_by": user}
    )
    if created_claim:
        return f"created claim #{claim.pk}"
    return f"created evidence on claim #{claim.pk}" if linked else f"already imported (claim #{claim.pk})"


# --- The desk's registers: affiliations, outlets, claimants -------------------------------------------


@transaction.atomic
def affiliation_save(*, affiliation: Affiliation | None, user: User, name: str, description: str) -> Affiliation:
    """Add an affiliation (None) or rename and describe one; editors only."""
    if affiliation is None:
        ensure_allowed(user, "add_affiliation")
        affiliation = Affiliation()
    else:
        ensure_allowed(user, "change_affiliation")
    affiliation.name, affiliation.description = name, description
    try:
        with transaction.atomic():
            affiliation.save()
    except IntegrityError as error:  # another editor saved the same name a moment ago
        raise Refused(f"An affiliation named “{name}” was just added by someone else.", field="name") from error
    return affiliation


@transaction.atomic
def outlet_update(*, outlet: Outlet, user: User, name: str, affiliation: Affiliation | None) -> Outlet:
    """Rename an outlet or say whose it is (which decides what counts as independent); editors only."""
    ensure_allowed(user, "change_outlet")
    outlet = Outlet.objects.select_for_update().get(pk=outlet.pk)
    outlet.name, outlet.affiliation = name, affiliation
    outlet.save(update_fields=["name", "affiliation"])
    return outlet


@transaction.atomic
def claimant_update(*, claimant: Claimant, user: User, **values: Any) -> Claimant:
    """Correct a claimant's kind, affiliation, description, address or other names; editors only."""
    ensure_allowed(user, "change_claimant")
    claimant = Claimant.objects.select_for_update().get(pk=claimant.pk)
    for name, value in values.items():
        setattr(claimant, name, value)
    claimant.save(update_fields=list(values))
    return claimant


def _touch(claim: Claim, user: User) -> None:
    """Record activity on the claim (the list's "last activity" order) without an edit's version bump."""
    Claim.objects.filter(pk=claim.pk).update(updated_at=timezone.now(), updated_by=user)
