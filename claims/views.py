from __future__ import annotations

from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from django_htmx.middleware import HtmxDetails

from claims.filters import ClaimFilter
from claims.models import Claim, Evidence, Review, Stance, Status
from claims.roles import desk_member_required

CLAIMS_PER_PAGE = 50


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and uptime checks: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _status_counts() -> list[tuple[str, str, int]]:
    counts = dict(Claim.objects.values_list("status").annotate(n=Count("id")).order_by())
    return [(value, label, counts.get(value, 0)) for value, label in Status.choices]


@require_GET
@desk_member_required
def dashboard(request: HttpRequest) -> HttpResponse:
    my_claims = Claim.objects.for_list().filter(assignee=request.user).order_by("-priority", "-created_at")[:10]
    return render(
        request,
        "claims/dashboard.html",
        {
            "status_counts": _status_counts(),
            "pending_reviews": Review.objects.pending().count(),
            "my_claims": my_claims,
        },
    )


@require_GET
@desk_member_required
def claim_list(request: HtmxHttpRequest) -> HttpResponse:
    filters = ClaimFilter(request.GET, queryset=Claim.objects.for_list().order_by("-created_at", "-id"))
    # A filter that makes no sense is explained, never silently dropped to show everything.
    claims = filters.qs if filters.is_valid() else Claim.objects.none()
    page = Paginator(claims, CLAIMS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "query": _without_page(request)}
    status = 200 if filters.is_valid() else 400
    if request.htmx:
        return render(request, "claims/claim_list.html#results", context, status=status)
    return render(
        request,
        "claims/claim_list.html",
        {**context, "status_counts": _status_counts(), "selected_statuses": request.GET.getlist("status")},
        status=status,
    )


def _without_page(request: HttpRequest) -> str:
    """The current filters as a query string, for pagination links that keep them."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
@desk_member_required
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.for_list().select_related("created_by").prefetch_related("tags"), pk=pk)
    evidence = list(
        Evidence.objects.filter(claim=claim)
        .select_related("source__outlet__affiliation", "added_by")
        .order_by("added_at", "id")
    )
    for item in evidence:
        item.claim = claim  # is_independent reads the claimant through it; saves a query per row
    groups = [(stance, [item for item in evidence if item.stance == stance.value]) for stance in Stance]
    reviews = claim.reviews.select_related("proposed_by", "decided_by").order_by("-proposed_at", "-id")
    return render(
        request,
        "claims/claim_detail.html",
        {"claim": claim, "evidence_groups": groups, "reviews": reviews},
    )
