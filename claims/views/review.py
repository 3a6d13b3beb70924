"""The editors' review queue: live updates, approving, returning and withdrawing proposals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import (
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from claims import duplicates, workflow
from claims.forms import (
    DecisionForm,
)
from claims.models import (
    Claim,
    Evidence,
    Review,
    Status,
)
from claims.roles import desk_member_required
from claims.templatetags.desk import queue_card_context
from claims.views.common import DeskRequest, next_path, page_number

# Editors work the queue from the top; the rest wait on later pages.
QUEUE_LIMIT = 50
# The sources a card names (corroborating first, then contradicting); the claim page has them all.
KEY_SOURCES = 3


@require_GET
@desk_member_required
def review_queue(request: DeskRequest) -> HttpResponse:
    mine = request.GET.get("mine") == "1"
    page = page_number(request.GET.get("page"))
    return render(request, "claims/review_queue.html", _queue(request.user, mine=mine, page=page))


@require_GET
@desk_member_required
def review_updates(request: DeskRequest) -> HttpResponse:
    """Polled by an open queue: drop rows decided elsewhere, announce new ones, refresh the count.

    Rows are never re-rendered here, so an editor typing a note is not interrupted.
    """
    shown = {int(pk) for pk in request.GET.get("shown", "").split(",") if pk.isdecimal()}
    pending = Review.objects.pending()
    if request.GET.get("mine") == "1":
        pending = pending.filter(proposed_by=request.user)
    still_pending = set(pending.filter(pk__in=shown).values_list("pk", flat=True))
    gone = Review.objects.filter(pk__in=shown - still_pending).select_related("decided_by").order_by("pk")
    context = {"gone": gone, "new_count": pending.exclude(pk__in=shown).count()}
    return render(request, "claims/_queue_updates.html", context)


@require_GET
@desk_member_required
def review_count(request: DeskRequest) -> HttpResponse:
    """The pending count: the navigation's counter, or with ?part=heading the queue page's heading."""
    count = Review.objects.pending().count()
    if request.GET.get("part") == "heading":
        return render(request, "claims/_queue_total.html", {"total": count})
    return render(request, "claims/_queue_count.html", {"queue_count": count})


@require_POST
@desk_member_required
def review_decide(request: DeskRequest, pk: int, decision: str) -> HttpResponse:
    review = get_object_or_404(Review, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():  # a NUL byte (PostgreSQL refuses it) or a note past its limit
        return _decision_refused(request, review, " ".join(str(error) for error in form.errors["note"]), status=422)
    note = form.cleaned_data["note"]
    try:
        if decision == "approve":
            workflow.review_approve(review=review, user=request.user, note=note.strip())
        elif decision == "return":
            workflow.review_return(review=review, user=request.user, note=note)
        else:
            workflow.review_withdraw(review=review, user=request.user)
    except workflow.Refused as refusal:
        return _decision_refused(request, review, str(refusal), status=refusal.status_code)
    done = {"approve": "Approved", "return": "Returned", "withdraw": "Withdrawn"}[decision]
    if request.htmx:
        response = render(request, "claims/_queue_done.html", {"review": review, "done": done})
        return trigger_client_event(response, "queueChanged")
    messages.success(request, f"{done}: claim #{review.claim_id}.")
    return HttpResponseRedirect(next_path(request, reverse("claims:queue")))


def _decision_refused(request: DeskRequest, review: Review, message: str, status: int = 409) -> HttpResponse:
    """Say why, beside the row (htmx) or above the queue; 409 when the state did not allow it."""
    if request.htmx and request.POST.get("from") == "queue":
        rows = _queue(request.user, only=review.pk)["rows"]
        if rows:
            card = {"row": rows[0], **queue_card_context(request, message)}
            return render(request, "claims/queue_card.html", card, status=status, using="jinja2")
        return trigger_client_event(
            render(request, "claims/_queue_done.html", {"review": review, "done": message}, status=status),
            "queueChanged",
        )
    context = _queue(request.user, mine=False)
    context["error"] = message
    return render(request, "claims/review_queue.html", context, status=status)


def _queue(user: User, *, mine: bool = False, only: int | None = None, page: int = 1) -> dict:
    """Pending reviews, most urgent claim first, then longest waiting, with their evidence and gates.

    QUEUE_LIMIT to a page: the pending set is what a desk has not decided yet, so numbered pages over
    it stay cheap whatever the size of the archive.
    """
    reviews = Review.objects.for_queue()
    if mine:
        reviews = reviews.filter(proposed_by=user)
    if only:
        reviews = reviews.filter(pk=only)
    offset = (page - 1) * QUEUE_LIMIT
    rows = list(reviews[offset : offset + QUEUE_LIMIT])
    claims = {claim.pk: claim for claim in Claim.objects.listed([review.claim_id for review in rows])}
    key_sources = Evidence.objects.key_sources_of(claims, per_claim=KEY_SOURCES)
    for review in rows:
        review.claim = claims[review.claim_id]
        review.key_sources = key_sources.get(review.claim_id, [])
        review.unmet = workflow.unmet_gate(
            review.proposed_status, workflow.EvidenceSummary.of(review.claim), review.rationale
        )
        review.decidable = workflow.can_decide(review, user)
    # A likely duplicate that stands at another status than the one proposed: decided twice, differently.
    found = duplicates.duplicates_by_claim(review.claim for review in rows)
    for review in rows:
        review.duplicate_flags = [
            (other, Status(status).label)
            for other, status in found.get(review.claim_id, [])
            if status != review.proposed_status
        ]
    total = Review.objects.pending().count()
    listed = reviews.count() if mine else total
    return {
        "rows": rows,
        "mine": mine,
        "total": total,
        "queue_count": total,  # the navigation's counter: the same count, not asked twice
        "page": page,
        "earlier": offset,
        "more": max(listed - offset - len(rows), 0),
    }
