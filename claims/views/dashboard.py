"""The dashboard: the status bar, the queue's state, my claims, the oldest waiting, evidence at risk and
recent activity; its counters refresh themselves."""

from __future__ import annotations

from django.http import (
    HttpResponse,
)
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from captures import linkwatch
from claims.history import recent_activity
from claims.models import (
    Claim,
    Review,
    Status,
    StatusCount,
)
from claims.roles import desk_member_required
from claims.views.common import DeskRequest, wants_fragment

DASHBOARD_ROWS = 8


ACTIVITY_ROWS = 15


@require_GET
@vary_on_headers("HX-Request")
@desk_member_required
def dashboard(request: DeskRequest) -> HttpResponse:
    if wants_fragment(request):  # the counters refresh themselves every few seconds
        return render(request, "claims/_dashboard_numbers.html", _dashboard_counters())
    context = {
        **_dashboard_counters(),
        "my_claims": Claim.objects.assigned_to(request.user).first_for_list(DASHBOARD_ROWS),
        "waiting": Claim.objects.waiting_for_review().first_for_list(DASHBOARD_ROWS),
        "returned": Review.objects.returned_to(request.user)[:DASHBOARD_ROWS],
        "activity": recent_activity(ACTIVITY_ROWS),
        # Decided claims whose sources went away or changed (the link watch; docs/architecture.md).
        "at_risk": linkwatch.claims_at_risk(limit=DASHBOARD_ROWS),
    }
    return render(request, "claims/dashboard.html", context)


def _dashboard_counters() -> dict:
    counts = Status.counted(StatusCount.by_status())
    oldest = Review.objects.pending().select_related("claim").order_by("proposed_at").first()
    return {
        "status_counts": counts,
        "scale_bar": _scale_bar(counts),
        "pending_reviews": Review.objects.pending().count(),
        "oldest_review": oldest,
    }


def _scale_bar(counts: list[tuple[str, str, int]]) -> list[dict]:
    """Segments of the status bar as x/width percentages: the scale, then the negative outcomes."""
    total = sum(count for _, _, count in counts) or 1
    segments, x = [], 0.0
    for value, label, count in counts:
        if value == Status.MISLEADING:
            x += 2  # a gap between the scale and the negative outcomes
        width = 96 * count / total
        segments.append({"value": value, "label": label, "count": count, "x": round(x, 2), "width": round(width, 2)})
        x += width
    return segments
