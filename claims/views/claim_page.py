"""The claim page and the forms on it: evidence, proposing a status, merging a duplicate."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import (
    HttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from captures.models import captures_prefetch
from claims import claimreview, duplicates, workflow
from claims.forms import (
    EvidenceForm,
    MergeForm,
    ProposalForm,
)
from claims.history import claim_timeline
from claims.models import (
    Claim,
    Decision,
    Evidence,
    Stance,
    Status,
)
from claims.roles import desk_member_required, is_editor
from claims.views.common import DeskRequest, assignable, refusal_on_form, render_page


@require_GET
@desk_member_required
def claim_detail(request: DeskRequest, pk: int) -> HttpResponse:
    merged = merged_into(pk)
    if merged:  # a duplicate folded into its original: bookmarks and report links land there
        messages.info(request, f"Claim #{pk} was merged into #{merged} as a duplicate.")
        return redirect("claims:detail", pk=merged)
    return render(request, "claims/claim_detail.html", _claim_page(request, pk))


def merged_into(pk: int) -> int | None:
    return Claim.objects.filter(pk=pk).values_list("merged_into", flat=True).first()


@require_POST
@desk_member_required
def evidence_add(request: DeskRequest, pk: int) -> HttpResponse:
    workflow.ensure_allowed(request.user, "add_evidence")
    claim = get_object_or_404(Claim.objects.select_related("claimant"), pk=pk)
    form = EvidenceForm(request.POST, claim=claim)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            workflow.evidence_add(
                claim=claim,
                user=request.user,
                url=data["url"],
                title=data["title"],
                kind=data["kind"],
                stance=data["stance"],
                repeats_claimant=data["repeats_claimant"],
                excerpt=data["excerpt"],
                note=data["note"],
            )
        except workflow.Refused as refusal:
            status = refusal_on_form(form, refusal)
        else:
            if not request.htmx:
                messages.success(request, "Evidence added.")
                return redirect(claim)
            return _evidence_changed(request, pk)
    context = {**_claim_page(request, pk, evidence_form=form), "failed": True}
    return _claim_page_or_updates(request, context, status)


@require_POST
@desk_member_required
def evidence_remove(request: DeskRequest, pk: int, evidence_pk: int) -> HttpResponse:
    workflow.ensure_allowed(request.user, "remove_evidence")
    evidence = get_object_or_404(Evidence.objects.select_related("claim"), pk=evidence_pk, claim_id=pk)
    try:
        workflow.evidence_remove(evidence=evidence, user=request.user)
    except workflow.Refused as refusal:  # said in the evidence section, where the person clicked
        context = {**_claim_page(request, pk), "evidence_error": str(refusal), "failed": True}
        return _claim_page_or_updates(request, context, refusal.status_code)
    if not request.htmx:
        messages.success(request, "Evidence removed; the history keeps it.")
        return redirect(evidence.claim)
    return _evidence_changed(request, pk)


@require_POST
@desk_member_required
def claim_propose(request: DeskRequest, pk: int) -> HttpResponse:
    workflow.ensure_allowed(request.user, "propose")
    claim = get_object_or_404(Claim, pk=pk)
    form = ProposalForm(request.POST, claim=claim)
    status = 422
    if form.is_valid():
        try:
            workflow.review_propose(
                claim=claim,
                status=form.cleaned_data["status"],
                rationale=form.cleaned_data["rationale"],
                user=request.user,
            )
        except workflow.Refused as refusal:
            status = refusal_on_form(form, refusal)
        else:
            messages.success(request, "Proposal sent to the editors' queue.")
            return redirect(claim)
    return render(request, "claims/claim_detail.html", _claim_page(request, pk, proposal_form=form), status=status)


def _claim_page_or_updates(request: DeskRequest, context: dict, status: int) -> HttpResponse:
    """A refused form on the claim page: the page again, or for htmx the parts of it that change."""
    page, updates = "claims/claim_detail.html", "claims/_claim_updates.html"
    return render_page(request, page, context, fragment=updates, status=status)


def _evidence_changed(request: DeskRequest, pk: int) -> HttpResponse:
    """The evidence section with a fresh form, and the parts of the page that depend on it."""
    return render(request, "claims/_claim_updates.html", _claim_page(request, pk))


def _claim_page(
    request: DeskRequest,
    pk: int,
    *,
    evidence_form: EvidenceForm | None = None,
    proposal_form: ProposalForm | None = None,
    merge_form: MergeForm | None = None,
) -> dict:
    claim = get_object_or_404(Claim.objects.for_list().select_related("created_by").prefetch_related("tags"), pk=pk)
    appearances = list(claim.appearances.select_related("claimant", "added_by"))
    corrections = list(claim.corrections.select_related("made_by").order_by("-made_at", "-id"))
    likely = duplicates.stored_for(claim)
    merged_duplicates = list(claim.merged_duplicates.select_related("claimant", "merged_by").order_by("merged_at"))
    evidence = list(
        Evidence.objects.filter(claim=claim)
        .select_related("source__outlet__affiliation", "source__watch", "added_by")
        .prefetch_related(captures_prefetch("source__captures"))
        .order_by("added_at", "id")
    )
    for item in evidence:
        item.claim = claim  # is_independent reads the claimant through it; saves a query per row
    reviews = list(claim.reviews.select_related("proposed_by", "decided_by").order_by("-proposed_at", "-id"))
    summary = workflow.EvidenceSummary.of(claim)
    verdicts = [review for review in reviews if review.decision == Decision.APPROVED]  # newest first
    # A correction of what the claim says modifies the published review as a new verdict does.
    modified = max([verdicts[0].decided_at, *(correction.made_at for correction in corrections)]) if verdicts else None
    structured = verdicts and claimreview.claim_review(
        url=settings.SITE_URL + claim.get_absolute_url(),
        text=claim.text,
        status=claim.status,
        first_decided_at=timezone.localtime(verdicts[-1].decided_at),
        decided_at=timezone.localtime(modified),
        claimant=claim.claimant.name,
        claimant_kind=claim.claimant.kind,
        claimed_on=claim.claimed_on,
        origin_url=claim.origin_url,
        appearances=[claimreview.Appeared.of(appearance) for appearance in appearances],
    )
    return {
        "claim": claim,
        "claimreview_script": claimreview.as_script(structured) if structured else "",
        "evidence_groups": [(stance, [item for item in evidence if item.stance == stance]) for stance in Stance],
        "pending_review": next((review for review in reviews if review.decision == Decision.PENDING), None),
        "timeline": claim_timeline(
            claim, reviews, appearances=appearances, corrections=corrections, merged=merged_duplicates
        ),
        "gates": [
            (value, label, workflow.unmet_gate(value, summary, "given"))
            for value, label in Status.choices
            if value != claim.status
        ],
        "evidence_form": evidence_form or EvidenceForm(claim=claim),
        "proposal_form": proposal_form or ProposalForm(claim=claim),
        "can_remove_evidence": request.user.has_perm("claims.delete_evidence"),
        "assignable": assignable(request.user),
        "appearances": appearances,
        "corrections": corrections,
        "has_verdict": bool(verdicts),
        "sources_at_risk": [
            item for item in evidence if getattr(item.source, "watch", None) and item.source.watch.at_risk
        ]
        if claim.status != Status.UNVERIFIED
        else [],
        "duplicates": likely,
        "merged_duplicates": merged_duplicates,
        # The likeliest duplicate is offered as the original: the editor checks it rather than types it.
        "merge_form": merge_form
        or (MergeForm(initial={"into": likely[0].pk} if likely else None) if is_editor(request.user) else None),
    }


@require_POST
@desk_member_required
def claim_merge(request: DeskRequest, pk: int) -> HttpResponse:
    """An editor folds this claim, a duplicate, into the original it repeats."""
    workflow.ensure_allowed(request.user, "merge")
    duplicate = get_object_or_404(Claim, pk=pk)
    form = MergeForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            merged = workflow.claim_merge(
                duplicate=duplicate,
                into=form.cleaned_data["into"],
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except workflow.Refused as refusal:
            status = refusal_on_form(form, refusal)
        else:
            moved = merged.moved_evidence
            messages.success(
                request,
                f"Claim #{pk} merged into #{merged.original.pk} as another appearance;"
                f" {moved} source{'s' if moved != 1 else ''} moved here.",
            )
            return redirect(merged.original)
    return render(request, "claims/claim_detail.html", _claim_page(request, pk, merge_form=form), status=status)
