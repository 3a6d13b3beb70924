"""The desk's reference pages: claimants (with their track record and typeahead), sources, outlets and
affiliations."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import Lower
from django.http import (
    HttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from captures.models import captures_prefetch
from claims import workflow
from claims.filters import SourceFilter
from claims.forms import (
    AffiliationForm,
    ClaimantForm,
    NameSearchForm,
    OutletForm,
)
from claims.models import (
    Affiliation,
    Claim,
    Claimant,
    Outlet,
    Source,
    Status,
)
from claims.roles import desk_member_required
from claims.views.claims import CLAIMS_PER_PAGE
from claims.views.common import DeskRequest, refusal_on_form

CLAIMANT_SUGGESTIONS = 10


LIBRARY_PER_PAGE = 100


@require_GET
@desk_member_required
def claimant_suggest(request: DeskRequest) -> HttpResponse:
    """<option>s for a claimant <datalist>: names that start with, then contain, what was typed, then
    those known by it (an alias, the other script, a near spelling)."""
    search = NameSearchForm({"name": request.GET.get("claimant") or request.GET.get("claimant_name") or ""})
    if not search.is_valid():
        return render(request, "claims/_claimant_options.html", {"names": []}, status=400)
    typed = search.cleaned_data["name"]
    names = Claimant.objects.suggested_names(typed, limit=CLAIMANT_SUGGESTIONS) if typed else []
    return render(request, "claims/_claimant_options.html", {"names": names, "typed": typed})


@require_GET
@desk_member_required
def claimant_list(request: DeskRequest) -> HttpResponse:
    claimants = Claimant.objects.select_related("affiliation").with_track_record().order_by("-claim_count", "name")
    search = NameSearchForm({"name": request.GET.get("q", "")})
    valid = search.is_valid()
    if not valid:  # said above the list, with a 400 like the claims list's filters
        messages.error(request, " ".join(str(error) for error in search.errors["name"]))
        claimants = claimants.none()
    words = search.cleaned_data["name"] if valid else ""
    if words:
        claimants = claimants.filter(name__icontains=words)
    page = Paginator(claimants, LIBRARY_PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({"q": words}) if words else ""
    context = {"page": page, "q": words, "query": query}
    return render(request, "claims/claimant_list.html", context, status=200 if valid else 400)


@require_GET
@desk_member_required
def claimant_detail(request: DeskRequest, pk: int) -> HttpResponse:
    claimant = get_object_or_404(Claimant.objects.select_related("affiliation"), pk=pk)
    return render(request, "claims/claimant_detail.html", _claimant_page(request, claimant))


def _claimant_page(request: DeskRequest, claimant: Claimant) -> dict:
    record = Status.counted(Claim.objects.track_record(claimant))
    counts = {value: count for value, _, count in record}
    decided = sum(count for value, count in counts.items() if value != Status.UNVERIFIED)
    claims = Claim.objects.listed(Claim.objects.newest_on_record_of(claimant, CLAIMS_PER_PAGE))
    can_edit = request.user.has_perm("claims.change_affiliation")
    return {
        "claimant": claimant,
        "record": record,
        "total": sum(counts.values()),
        "decided": decided,
        "share_confirmed": _share(counts[Status.CONFIRMED] + counts[Status.CORROBORATED], decided),
        "share_false": _share(counts[Status.FALSE] + counts[Status.MISLEADING], decided),
        "claims": claims,
        "form": ClaimantForm(instance=claimant) if can_edit else None,
    }


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@require_GET
@desk_member_required
def source_list(request: DeskRequest) -> HttpResponse:
    filters = SourceFilter(request.GET, queryset=Source.objects.select_related("outlet__affiliation"))
    valid = filters.is_valid()
    sources = (filters.qs if valid else Source.objects.none()).annotate(claim_count=Count("evidence"))
    page = Paginator(sources.order_by("-added_at", "-id"), LIBRARY_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "claims/source_list.html", {"page": page, "filters": filters}, status=200 if valid else 400)


@require_GET
@desk_member_required
def source_detail(request: DeskRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(
        Source.objects.select_related("outlet__affiliation", "added_by", "watch").prefetch_related(captures_prefetch()),
        pk=pk,
    )
    evidence = source.evidence.select_related("claim__claimant").order_by("-added_at")
    return render(
        request,
        "claims/source_detail.html",
        {"source": source, "evidence": evidence, "captures": list(source.captures.all())},
    )


@require_GET
@desk_member_required
def outlet_list(request: DeskRequest) -> HttpResponse:
    """Outlets and their affiliations, which decide what counts as independent."""
    return render(request, "claims/outlet_list.html", _outlet_page())


@require_POST
@desk_member_required
def outlet_update(request: DeskRequest, pk: int) -> HttpResponse:
    workflow.ensure_allowed(request.user, "change_outlet")
    outlet = get_object_or_404(Outlet, pk=pk)
    form = OutletForm(request.POST, instance=outlet)
    if not form.is_valid():
        return render(request, "claims/outlet_list.html", _outlet_page(failed=outlet, form=form), status=422)
    outlet = workflow.outlet_update(
        outlet=outlet, user=request.user, name=form.cleaned_data["name"], affiliation=form.cleaned_data["affiliation"]
    )
    messages.success(request, f"{outlet.name} saved.")
    return redirect("claims:outlets")


@require_POST
@desk_member_required
def affiliation_save(request: DeskRequest, pk: int | None = None) -> HttpResponse:
    """Editors add an affiliation (no pk) or rename and describe one."""
    workflow.ensure_allowed(request.user, "add_affiliation" if pk is None else "change_affiliation")
    affiliation = None if pk is None else get_object_or_404(Affiliation, pk=pk)
    form = AffiliationForm(request.POST, instance=affiliation)
    if form.is_valid():
        try:
            affiliation = workflow.affiliation_save(
                affiliation=affiliation,
                user=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except workflow.Refused as refusal:  # the same name saved by another editor a moment ago
            status = refusal_on_form(form, refusal)
        else:
            messages.success(request, f"Affiliation “{affiliation.name}” saved.")
            return redirect("claims:outlets")
    else:
        status = 422
    return render(request, "claims/outlet_list.html", _outlet_page(affiliation_form=form), status=status)


def _outlet_page(**extra: object) -> dict:
    outlets = (
        Outlet.objects.select_related("affiliation").annotate(source_count=Count("sources")).order_by(Lower("name"))
    )
    affiliations = Affiliation.objects.annotate(
        outlet_count=Count("outlets", distinct=True), claimant_count=Count("claimants", distinct=True)
    )
    return {
        "outlets": outlets,
        "affiliations": list(affiliations),
        "affiliation_form": extra.pop("affiliation_form", None) or AffiliationForm(),
        **extra,
    }


@require_POST
@desk_member_required
def claimant_update(request: DeskRequest, pk: int) -> HttpResponse:
    """Editors correct a claimant's kind and affiliation (the affiliation decides independence)."""
    workflow.ensure_allowed(request.user, "change_claimant")
    claimant = get_object_or_404(Claimant, pk=pk)
    form = ClaimantForm(request.POST, instance=claimant)
    if form.is_valid():
        workflow.claimant_update(
            claimant=claimant, user=request.user, **{name: form.cleaned_data[name] for name in ClaimantForm.Meta.fields}
        )
        messages.success(request, f"{claimant.name} saved.")
        return redirect("claims:claimant", pk=pk)
    return render(
        request, "claims/claimant_detail.html", {**_claimant_page(request, claimant), "form": form}, status=422
    )
