"""Who hears of what: the desk's events (claims/signals.py) become notifications
(docs/architecture.md, "Notifications").

Each receiver runs inside the transaction of the write it is told of, so its rows commit or roll back
with that write. It writes all its rows with one bulk insert, and its queries do not grow with the
number of people told: who works on a claim is one query, the e-mail preferences of the people told
another, and one job sends the e-mails of those who want each event.

Nobody is told of what they did themselves, and a person hears of one event once, by the most
personal notification that applies (a proposer hears "your proposal was approved", not also "a claim
you work on was decided").
"""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef, Subquery
from django.dispatch import receiver
from django.utils.text import Truncator

from captures import linkwatch
from claims import signals
from claims.models import Claim, Decision, Evidence, Review, Status
from claims.people import display_name
from claims.roles import desk_members
from inbox.models import SENTENCE_MAX, EmailChoice, Kind, Notification, NotificationPreference

# A claim's text in a sentence: enough to recognise it; the link leads to the rest.
CLAIM_WORDS_IN_SENTENCE = 90


def people_working_on(claim_id: int) -> tuple[str, set[int]]:
    """The claim's text and the ids of the people who work on it: its assignee, the person who logged
    it, and everyone who ever proposed a status for it. One query."""
    proposers = Review.objects.filter(claim=OuterRef("pk")).order_by().values("proposed_by").distinct()
    row = (
        Claim.objects.filter(pk=claim_id)
        .annotate(proposers=ArraySubquery(proposers))
        .values("text", "assignee_id", "created_by_id", "proposers")
        .get()
    )
    people = {row["assignee_id"], row["created_by_id"], *row["proposers"]}
    people.discard(None)
    return row["text"], people


def quoted(claim_text: str) -> str:
    return f"“{Truncator(' '.join(claim_text.split())).chars(CLAIM_WORDS_IN_SENTENCE)}”"


def one_line(sentence: str) -> str:
    """A sentence for a list row and an e-mail subject: one line, within the column."""
    return Truncator(" ".join(sentence.split())).chars(SENTENCE_MAX)


def record(notifications: list[Notification]) -> list[Notification]:
    """Write the notifications and queue the e-mails of the people who want each event."""
    # Only people on the desk now: someone who left, or whose role was taken away, no longer hears of
    # unpublished claims and editors' notes.
    on_desk = set(desk_members().filter(pk__in={n.recipient_id for n in notifications}).values_list("pk", flat=True))
    notifications = [notification for notification in notifications if notification.recipient_id in on_desk]
    if not notifications:
        return []
    for notification in notifications:
        notification.sentence = one_line(notification.sentence)
    created = Notification.objects.bulk_create(notifications)
    wanting_each = set(
        NotificationPreference.objects.filter(
            person__in={notification.recipient_id for notification in created},
            email=EmailChoice.EACH_EVENT,
        ).values_list("person_id", flat=True)
    )
    to_email = [notification.pk for notification in created if notification.recipient_id in wanting_each]
    if to_email:
        from inbox.tasks import email_notifications  # the task module imports the worker's app

        # Deferred in this transaction: the job exists exactly when the notifications do.
        email_notifications.defer(notification_ids=to_email)
    return created


@receiver(signals.claims_assigned, dispatch_uid="inbox.claims_assigned")
def tell_assignee(sender, claims, assignee, by, **kwargs) -> None:
    """A claim given to you by someone else (taking a claim yourself tells nobody)."""
    if assignee is None or (by is not None and assignee.pk == by.pk):
        return
    who = display_name(by, nobody="The desk")
    record(
        [
            Notification(
                recipient=assignee,
                kind=Kind.ASSIGNED,
                claim=claim,
                actor=by,
                sentence=f"{who} assigned you {quoted(claim.text)}",
            )
            for claim in claims
        ]
    )


@receiver(signals.evidence_added, dispatch_uid="inbox.evidence_added")
def tell_about_evidence(sender, evidence: Evidence, by, **kwargs) -> None:
    """New evidence on a claim you work on."""
    claim_text, people = people_working_on(evidence.claim_id)
    source = evidence.source
    sentence = (
        f"{display_name(by, nobody='The desk')} added evidence to {quoted(claim_text)}: "
        f"{source.title or source.url} ({evidence.get_stance_display().lower()})"
    )
    record(
        [
            Notification(
                recipient_id=person,
                kind=Kind.EVIDENCE_ADDED,
                claim_id=evidence.claim_id,
                evidence=evidence,
                actor=by,
                sentence=sentence,
            )
            for person in people - {getattr(by, "pk", None)}
        ]
    )


@receiver(signals.review_decided, dispatch_uid="inbox.review_decided")
def tell_about_decision(sender, review: Review, by, **kwargs) -> None:
    """An editor approved or returned a proposal: its proposer hears "your proposal", with the note;
    the others who work on the claim hear of the decision. A withdrawal is the proposer's own step
    and tells nobody."""
    if review.decision not in (Decision.APPROVED, Decision.RETURNED):
        return
    claim_text, people = people_working_on(review.claim_id)
    who = display_name(by, nobody="The desk")
    verb = "approved" if review.decision == Decision.APPROVED else "returned"
    status = f"“{Status(review.proposed_status).label}”"
    note = f": {review.decision_note}" if review.decision_note else ""
    notifications = []
    if by is None or review.proposed_by_id != by.pk:
        notifications.append(
            Notification(
                recipient_id=review.proposed_by_id,
                kind=Kind.PROPOSAL_APPROVED if review.decision == Decision.APPROVED else Kind.PROPOSAL_RETURNED,
                claim_id=review.claim_id,
                review=review,
                actor=by,
                sentence=f"{who} {verb} your proposal {status} on {quoted(claim_text)}{note}",
            )
        )
    others = people - {review.proposed_by_id, getattr(by, "pk", None)}
    notifications += [
        Notification(
            recipient_id=person,
            kind=Kind.CLAIM_DECIDED,
            claim_id=review.claim_id,
            review=review,
            actor=by,
            sentence=f"{who} {verb} the proposal {status} on {quoted(claim_text)}{note}",
        )
        for person in others
    ]
    record(notifications)


@receiver(signals.evidence_at_risk, dispatch_uid="inbox.evidence_at_risk")
def tell_about_risk(sender, watch, by=None, **kwargs) -> None:
    """A source gone or changed under a verdict: the proposer of the approval that set each citing
    claim's current status hears of it. One query for all the claims citing the source."""
    verdicts = (
        Review.objects.filter(decision=Decision.APPROVED, claim__in=linkwatch.decided_claims_citing(watch.source_id))
        .order_by("claim_id", "-decided_at", "-id")
        .distinct("claim_id")
        .annotate(
            claim_text=F("claim__text"),
            citing_evidence=Subquery(
                Evidence.objects.filter(claim=OuterRef("claim"), source_id=watch.source_id).values("pk")[:1]
            ),
        )
        .only("pk", "claim_id", "proposed_by_id", "proposed_status")
    )
    source = watch.source
    what = "is gone" if watch.gone_since else "has changed since the desk captured it"
    record(
        [
            Notification(
                recipient_id=verdict.proposed_by_id,
                kind=Kind.EVIDENCE_AT_RISK,
                claim_id=verdict.claim_id,
                review=verdict,
                evidence_id=verdict.citing_evidence,
                actor=by,
                sentence=(
                    f"A source of your verdict “{Status(verdict.proposed_status).label}” on "
                    f"{quoted(verdict.claim_text)} {what}: {source.title or source.url}"
                ),
            )
            for verdict in verdicts
            if by is None or verdict.proposed_by_id != by.pk
        ]
    )
