"""What the API reads and writes, as the OpenAPI document shows it (docs/api.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.conf import settings
from ninja import Field, Schema
from pydantic import BaseModel

from claims.models import (
    Appearance,
    Claim,
    ClaimantKind,
    Evidence,
    Priority,
    Review,
    Source,
    SourceKind,
    Stance,
    Status,
    id_url,
)


class Out(BaseModel):
    """What the API answers. Plain pydantic rather than ninja's Schema: the answers are built as dicts, and
    ninja's Schema wraps every value for attribute access first, which cost a list of 50 claims about
    10 ms (docs/benchmarks.md)."""


class Error(Out):
    error: str = Field(description="What went wrong, in a few words.")
    detail: str | list[FieldError] = Field(description="Why, in a sentence, or what is wrong with each field.")


class FieldError(Out):
    field: str
    message: str


class DuplicateOut(Out):
    id: int
    text: str
    status: str
    url: str


class LikelyDuplicate(Error):
    duplicates: list[DuplicateOut]


class ClaimantRef(Out):
    id: int
    name: str


class EvidenceCounts(Out):
    corroborating: int
    independent: int = Field(description="Corroborating sources independent of the claimant, one per outlet.")
    contradicting: int
    context: int


class ClaimOut(Out):
    id: int
    url: str = Field(description="The claim's page on the desk.")
    text: str
    claimant: ClaimantRef
    affiliation: str | None = Field(description="The claimant's side, when the desk knows it.")
    status: str
    priority: Literal["low", "normal", "high", "urgent"]
    assignee: str | None = Field(description="Username of the person working on it.")
    claimed_on: dt.date
    logged_at: dt.datetime
    in_review: bool = Field(description="A status proposal waits for an editor.")
    evidence: EvidenceCounts

    @staticmethod
    def of(claim: Any) -> dict:
        """`claim` from Claim.objects.for_list(), with its evidence counts and review state annotated: the
        same fields as a row of the list (claim_row), read from the instance."""
        return claim_row({field: _follow(claim, field) for field in CLAIM_ROW})


def _follow(instance: Any, path: str) -> Any:
    """The value at a values() path ("claimant__affiliation__name") of a model instance; None past a
    missing relation."""
    for name in path.split("__"):
        if instance is None:
            return None
        instance = getattr(instance, name)
    return instance


# What the claims list reads of each row (claim_row): values, not model instances.
CLAIM_ROW = (
    "id",
    "text",
    "status",
    "priority",
    "claimed_on",
    "created_at",
    "claimant_id",
    "claimant__name",
    "claimant__affiliation__name",
    "assignee__username",
    "has_pending_review",
    "corroborating_count",
    "independent_count",
    "contradicting_count",
    "context_count",
)


def claim_row(row: dict) -> dict:
    """ClaimOut's fields from a row of Claim.objects.for_list().values(*CLAIM_ROW): a list of fifty claims
    builds no model instances (two hundred of them, with claimants, sides and assignees)."""
    return {
        "id": row["id"],
        "url": settings.SITE_URL + id_url("claims:detail", row["id"]),
        "text": row["text"],
        "claimant": {"id": row["claimant_id"], "name": row["claimant__name"]},
        "affiliation": row["claimant__affiliation__name"],
        "status": row["status"],
        "priority": PRIORITY_NAMES[row["priority"]],
        "assignee": row["assignee__username"],
        "claimed_on": row["claimed_on"],
        "logged_at": row["created_at"],
        "in_review": row["has_pending_review"],
        "evidence": {
            "corroborating": row["corroborating_count"],
            "independent": row["independent_count"],
            "contradicting": row["contradicting_count"],
            "context": row["context_count"],
        },
    }


PRIORITY_NAMES = {priority.value: priority.label.lower() for priority in Priority}


class ClaimPage(Out):
    claims: list[ClaimOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")


class SourceOut(Out):
    id: int
    url: str
    title: str
    kind: str
    outlet: str | None
    affiliation: str | None = Field(description="The outlet's side, when the desk knows it.")

    @staticmethod
    def of(source: Source) -> dict:
        outlet = source.outlet
        return {
            "id": source.pk,
            "url": source.url,
            "title": source.title,
            "kind": source.kind,
            "outlet": outlet.name if outlet else None,
            "affiliation": outlet.affiliation.name if outlet and outlet.affiliation else None,
        }


class ArtifactOut(Out):
    kind: str
    sha256: str
    size: int
    media_type: str


class CaptureOut(Out):
    id: int
    state: str
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    http_status: int | None
    final_url: str
    reason: str = Field(description="Why it failed, or what it could not make.")
    artifacts: list[ArtifactOut]


class EvidenceOut(Out):
    id: int
    source: SourceOut
    stance: str
    independent: bool
    repeats_claimant: bool
    excerpt: str
    note: str
    added_by: str | None
    added_at: dt.datetime
    captures: list[CaptureOut]

    @staticmethod
    def of(evidence: Evidence, captures: list | None = None) -> dict:
        return {
            "id": evidence.pk,
            "source": SourceOut.of(evidence.source),
            "stance": evidence.stance,
            "independent": evidence.is_independent,
            "repeats_claimant": evidence.repeats_claimant,
            "excerpt": evidence.excerpt,
            "note": evidence.note,
            "added_by": evidence.added_by.username if evidence.added_by else None,
            "added_at": evidence.added_at,
            "captures": [
                {
                    "id": capture.pk,
                    "state": capture.state,
                    "requested_at": capture.requested_at,
                    "finished_at": capture.finished_at,
                    "http_status": capture.http_status,
                    "final_url": capture.final_url,
                    "reason": capture.reason,
                    "artifacts": [
                        {"kind": a.kind, "sha256": a.sha256, "size": a.size, "media_type": a.media_type}
                        for a in capture.artifacts.all()
                    ],
                }
                for capture in (captures or [])
            ],
        }


class AppearanceOut(Out):
    id: int
    claimant: ClaimantRef
    appeared_on: dt.date
    origin_url: str
    quote: str

    @staticmethod
    def of(appearance: Appearance) -> dict:
        return {
            "id": appearance.pk,
            "claimant": {"id": appearance.claimant_id, "name": appearance.claimant.name},
            "appeared_on": appearance.appeared_on,
            "origin_url": appearance.origin_url,
            "quote": appearance.quote,
        }


class ReviewOut(Out):
    id: int
    claim: int
    previous_status: str
    proposed_status: str
    rationale: str
    proposed_by: str
    proposed_at: dt.datetime
    decision: Literal["pending", "approved", "returned", "withdrawn"]
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str

    @staticmethod
    def of(review: Review) -> dict:
        return {
            "id": review.pk,
            "claim": review.claim_id,
            "previous_status": review.previous_status,
            "proposed_status": review.proposed_status,
            "rationale": review.rationale,
            "proposed_by": review.proposed_by.username,
            "proposed_at": review.proposed_at,
            "decision": review.decision,
            "decided_by": review.decided_by.username if review.decided_by else None,
            "decided_at": review.decided_at,
            "decision_note": review.decision_note,
        }


class ClaimDetailOut(ClaimOut):
    quote: str
    origin_url: str
    tags: list[str]
    version: int = Field(description="Moves on with every change.")
    updated_at: dt.datetime
    evidence_links: list[EvidenceOut]
    appearances: list[AppearanceOut]
    reviews: list[ReviewOut] = Field(description="Newest first.")


class TrackRecord(Out):
    claims: int
    confirmed: int
    false_or_misleading: int
    repeated: int = Field(description="Claims of others this claimant repeated.")


class ClaimantOut(Out):
    id: int
    name: str
    kind: str
    affiliation: str | None
    aliases: list[str]
    url: str
    track_record: TrackRecord

    @staticmethod
    def of(claimant: Any) -> dict:
        """`claimant` from Claimant.objects.with_track_record(), its counts annotated."""
        return {
            "id": claimant.pk,
            "name": claimant.name,
            "kind": claimant.kind,
            "affiliation": claimant.affiliation.name if claimant.affiliation else None,
            "aliases": claimant.aliases,
            "url": settings.SITE_URL + claimant.get_absolute_url(),
            "track_record": {
                "claims": claimant.claim_count,
                "confirmed": claimant.confirmed_count,
                "false_or_misleading": claimant.false_count,
                "repeated": claimant.repeated_count,
            },
        }


class ClaimantPage(Out):
    claimants: list[ClaimantOut]
    next_cursor: str | None


class SourcePage(Out):
    sources: list[SourceOut]
    next_cursor: str | None


# --- What is written ---------------------------------------------------------------------------------


class ClaimIn(Schema):
    text: str = Field(description="One checkable sentence, in the desk's own words.")
    claimant: str = Field(description="Who made it: a claimant's name or alias; a new name makes a new claimant.")
    claimant_kind: ClaimantKind = Field(ClaimantKind.OTHER, description="For a new claimant: what it is.")
    claimed_on: dt.date
    quote: str = ""
    origin_url: str = ""
    priority: Literal["low", "normal", "high", "urgent"] = "normal"
    tags: list[str] = []
    assignee: str | None = Field(None, description="Username; editors only.")
    duplicate: str | None = Field(
        None,
        description='When the desk answers 409 with likely duplicates: "new" to log it anyway, or the id of one'
        " of them to record this as another appearance of that claim.",
    )


class EvidenceIn(Schema):
    url: str
    stance: Stance
    title: str = ""
    kind: SourceKind = SourceKind.ARTICLE
    repeats_claimant: bool = False
    excerpt: str = ""
    note: str = ""


class ProposalIn(Schema):
    status: Status
    rationale: str


class DecisionIn(Schema):
    note: str = ""


class AppearanceCreated(Out):
    appearance: AppearanceOut
    claim: int


# --- Intake: the claims in a story -------------------------------------------------------------------


class IntakeIn(Schema):
    text: str = Field(description="The story's text, up to 100,000 characters.")
    published: dt.date = Field(description="The day the story was published: its own dates count from it.")
    dateline: str = Field("", description="Where the story was filed, when its text does not say.")


class IntakeClaimant(Out):
    name: str
    id: int | None = Field(
        description="The claimant on the desk; null for a new one, created when the claim is logged."
    )
    kind: str = Field(description="The claimant's kind, guessed for a new one.")


class IntakeDuplicate(Out):
    id: int
    text: str
    status: str


class IntakeCandidate(Out):
    text: str = Field(description="The checkable sentence, the attribution taken out.")
    sentence: str = Field(description="The story's sentence it came from.")
    quote: str = Field(description="The claimant's words as the story quotes them; empty when it does not.")
    claimed_on: dt.date
    claimant: IntakeClaimant
    duplicates: list[IntakeDuplicate] = Field(description="Likely the same claim, already on the desk; best first.")


class IntakeStatement(Out):
    text: str


class IntakeOut(Out):
    language: str = Field(description='The language the story was read in: "en", "uk" or "ru".')
    candidates: list[IntakeCandidate]
    unattributed: list[IntakeStatement] = Field(description="What the story says without crediting anyone.")

    @staticmethod
    def of(extraction: Any) -> dict:
        """`extraction`: an intake.candidates.Extraction."""
        return {
            "language": extraction.language,
            "candidates": [
                {
                    "text": candidate.text,
                    "sentence": candidate.sentence,
                    "quote": candidate.quote,
                    "claimed_on": candidate.claimed_on,
                    "claimant": {
                        "name": candidate.claimant.name,
                        "id": candidate.claimant.id,
                        "kind": candidate.claimant.kind,
                    },
                    "duplicates": [IntakeOut.duplicate(claim) for claim in candidate.duplicates],
                }
                for candidate in extraction.candidates
            ],
            "unattributed": [{"text": statement.text} for statement in extraction.unattributed],
        }

    @staticmethod
    def duplicate(claim: Claim) -> dict:
        return {"id": claim.pk, "text": claim.text, "status": claim.status}
