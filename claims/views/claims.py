"""The claims list (filters, search, keyset pages), logging and editing a claim (with the duplicate
guard), assigning, and the CSV export of a filtered list."""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.http import (
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from claims import duplicates, reports, workflow
from claims.filters import ClaimFilter
from claims.forms import (
    AssignForm,
    ClaimForm,
)
from claims.models import (
    Claim,
    Status,
    StatusCount,
    Tag,
    search_word_index,
)
from claims.paging import keyset_page
from claims.roles import desk_member_required, desk_members
from claims.templatetags.desk import person
from claims.views.claim_page import merged_into
from claims.views.common import (
    MAX_SEARCH_PAGE,
    DeskRequest,
    Echo,
    assignable,
    int_or_none,
    next_path,
    page_number,
    query_with,
    refusal_on_form,
    render_page,
)

CLAIMS_PER_PAGE = 50
# Counting a filtered list stops here: past it the page says "more than 1,000" instead of scanning up
# to a million rows on every request. Unfiltered counts are exact (StatusCount).
COUNT_CAP = 1_000


# A search ranks this many of the newest matches at most: a common word matches a hundred thousand
# claims, and ranking them all would cost every search. The page says so when it happens, and
# sorting by newest pages through every match.
SEARCH_CANDIDATES = 200


@require_GET
@vary_on_headers("HX-Request")  # the same URL answers with a page or a fragment: caches must tell them apart
@desk_member_required
def claim_list(request: DeskRequest) -> HttpResponse:
    # Filter, sort and page bare rows (the indexes serve that), then annotate only the page's rows:
    # aggregating evidence before the LIMIT would count it for every matching claim.
    members = list(desk_members())  # the assignee filter's menu, and the bulk-assign menu for editors
    filters = ClaimFilter(request.GET, queryset=Claim.objects.on_desk(), members=members)
    valid = filters.is_valid()  # an unknown value is explained beside the filters, with a 400
    claims = filters.qs if valid else Claim.objects.none()

    if filters.ordering:
        page = keyset_page(claims, filters.ordering, request.GET.get("after", ""), CLAIMS_PER_PAGE)
        ids = [claim.pk for claim in page.items]
        next_query = query_with(request, after=page.next_cursor, page=None) if page.next_cursor else ""
        is_first = page.is_first
    else:  # ranked search results: relevance has no stable keyset, and nobody reads page 200 of them
        number = page_number(request.GET.get("page"))
        offset = (number - 1) * CLAIMS_PER_PAGE
        # Rank the newest SEARCH_CANDIDATES matches, not every match of a common word.
        newest_matches = claims.order_by("-id").values("pk")[:SEARCH_CANDIDATES]
        ranked = claims.filter(pk__in=newest_matches).order_by("-rank", "-id")
        rows = list(ranked.values_list("pk", flat=True)[offset : offset + CLAIMS_PER_PAGE + 1])
        ids, is_first = rows[:CLAIMS_PER_PAGE], number == 1
        has_next = len(rows) > CLAIMS_PER_PAGE and number < MAX_SEARCH_PAGE
        next_query = query_with(request, page=number + 1, after=None) if has_next else ""
    items = Claim.objects.listed(ids)

    # Counts per status for the other filters, so each status chip says what ticking it would show:
    # exact for the whole desk, counted up to COUNT_CAP under other filters.
    narrowed = filters.counting_queryset()
    counts = StatusCount.by_status() if narrowed is None else narrowed.status_counts(cap=COUNT_CAP)
    selected = set(filters.form.cleaned_data.get("status") or []) if valid else set()
    status_counts = Status.counted(counts)
    # A refused filter shows no claims, so it counts none (the chips still count the desk as it is).
    total = (
        0
        if not valid
        else None
        if counts is None
        else sum(n for value, n in counts.items() if not selected or value in selected)
    )
    # A search that found nothing offers the desk's nearest spellings ("Работино": robotyne).
    suggestion = (
        search_word_index().suggestion(filters.form.cleaned_data["q"])
        if filters.searching and is_first and not ids
        else None
    )
    context = {
        "suggestion": suggestion,
        "suggestion_query": query_with(request, q=suggestion, page=None, after=None) if suggestion else "",
        "filters": filters,
        "claims": items,
        "next_query": next_query,
        "first_query": "" if is_first else query_with(request, after=None, page=None),
        "status_counts": status_counts,
        "selected_statuses": selected,
        "total": total,
        "tag_names": Tag.objects.order_by("name").values_list("name", flat=True),
        "count_cap": COUNT_CAP,
        "search_candidates": SEARCH_CANDIDATES,
        "assignable": assignable(request.user, members),
    }
    return render_page(request, "claims/claim_list.html", context, fragment="#results", status=200 if valid else 400)


@require_http_methods(["GET", "POST"])
@desk_member_required
def claim_create(request: DeskRequest) -> HttpResponse:
    workflow.ensure_allowed(request.user, "log_claim")
    form = ClaimForm(request.POST or None, user=request.user)
    if request.method != "POST":
        return _claim_form(request, form)
    if not form.is_valid():
        return _claim_form(request, form, status=422)
    # The desk checks a claim once: one that reads like a claim already on the desk is not logged
    # until the person chooses (docs/architecture.md, "Duplicates"): another appearance of that
    # claim, or a new claim after all.
    choice = request.POST.get("duplicate", "")
    matches = duplicates.likely_duplicates(form.cleaned_data["text"])
    try:
        if choice.isascii() and choice.isdigit():
            # Only a claim the desk offered: an appearance changes a published review's appearances.
            original = next((match for match in matches if str(match.pk) == choice.lstrip("0")), None)
            if original is None:
                form.add_error(None, f"Claim #{choice[:12]} does not read like this one; choose from the claims below.")
                return _claim_form(request, form, status=409, duplicates=matches)
            return _add_appearance(request, form, original)
        if matches and choice != "new":
            return _claim_form(request, form, duplicates=matches)
        claim = workflow.claim_log(
            user=request.user,
            values=form.claim_values(),
            claimant=form.claimant_choice(),
            tags=form.cleaned_data["tag_names"],
            likely_duplicates=matches,
        )
    except workflow.Refused as refusal:
        return _claim_form(request, form, status=refusal_on_form(form, refusal))
    messages.success(request, f"Claim #{claim.pk} logged.")
    return redirect(claim)


def _add_appearance(request: DeskRequest, form: ClaimForm, original: Claim) -> HttpResponse:
    data = form.cleaned_data
    appearance = workflow.appearance_add(
        claim=original,
        user=request.user,
        claimant=form.claimant_choice(),
        appeared_on=data["claimed_on"],
        origin_url=data["origin_url"],
        quote=data["quote"],
    )
    messages.success(
        request,
        f"Added as another appearance of claim #{original.pk} ({appearance.claimant.name}); nothing new logged.",
    )
    return redirect(original)


@require_http_methods(["GET", "POST"])
@desk_member_required
def claim_edit(request: DeskRequest, pk: int) -> HttpResponse:
    workflow.ensure_allowed(request.user, "edit_claim")
    merged = merged_into(pk)
    if merged:
        messages.info(request, f"Claim #{pk} was merged into #{merged}; edit that one.")
        return redirect("claims:edit", pk=merged)
    claim = get_object_or_404(Claim.objects.select_related("claimant"), pk=pk)
    verdict = workflow.has_verdict(claim)
    form = ClaimForm(request.POST or None, instance=claim, user=request.user, has_verdict=verdict)
    if request.method != "POST":
        return _claim_form(request, form)
    if not form.is_valid():
        return _claim_form(request, form, status=422)
    try:
        edited = workflow.claim_update(
            claim=claim,
            user=request.user,
            version=form.cleaned_data["version"],
            values=form.claim_values(),
            claimant=form.claimant_choice(),
            tags=form.cleaned_data["tag_names"],
            reason=form.cleaned_data.get("correction_reason", ""),
        )
    except workflow.Conflict as conflict:
        return _edit_conflict(request, pk, conflict)
    except workflow.Refusal as refusal:  # said beside the field, with its 403 or 422
        if form.locked_subject:  # read-only fields show what is stored, not the refused wording
            data = request.POST.copy()
            for name in form.locked_fields():
                data[name] = form[name].initial if form[name].initial is not None else ""
            form = ClaimForm(data, instance=claim, user=request.user, has_verdict=verdict)
            form.is_valid()
        return _claim_form(request, form, status=refusal_on_form(form, refusal))
    messages.success(
        request, "Correction recorded; the weekly report lists it." if edited.correction else "Changes saved."
    )
    return redirect(claim)


def _edit_conflict(request: DeskRequest, pk: int, conflict: workflow.Conflict) -> HttpResponse:
    """Someone else saved first: show what they changed, keep this person's input, and let the next
    save (made knowingly) go through against the current version."""
    now = Claim.objects.get(pk=pk)
    changes = list(conflict.changes)
    tags_seen, tags_now = request.POST.get("tags_seen", ""), now.tag_list()
    if tags_seen != tags_now:
        changes.append(("Tags", tags_seen or "—", tags_now or "—"))
    data = request.POST.copy()
    data["version"] = str(conflict.version)
    form = ClaimForm(data, instance=now, user=request.user, has_verdict=workflow.has_verdict(now))
    form.is_valid()  # binds this person's input to the form again
    return _claim_form(request, form, status=409, conflict={"changes": changes, "by": conflict.saved_by})


def _claim_form(
    request: DeskRequest,
    form: ClaimForm,
    *,
    status: int = 200,
    conflict: dict | None = None,
    duplicates: list[Claim] | None = None,
) -> HttpResponse:
    claim = form.instance if form.instance.pk else None
    context = {"form": form, "claim": claim, "conflict": conflict, "similar": [], "duplicates": duplicates or []}
    return render(request, "claims/claim_form.html", context, status=status)


@require_GET
@desk_member_required
def claim_similar(request: DeskRequest) -> HttpResponse:
    """The duplicate guard: claims worded like the text being typed."""
    text = request.GET.get("text", "")
    similar = list(Claim.objects.on_desk().similar_to(text, exclude=int_or_none(request.GET.get("exclude"))))
    for other in similar:  # logging one of these asks first (add as an appearance, or log new)
        other.likely_duplicate = duplicates.is_likely_duplicate(text, other.text)
    return render(request, "claims/claim_form.html#similar", {"similar": similar, "text": text})


@require_POST
@desk_member_required
def claim_assign(request: DeskRequest) -> HttpResponse:
    """Assign one claim (claim page) or several (the list's selection) to a desk member or nobody."""
    workflow.ensure_allowed(request.user, "assign")
    form = AssignForm(request.POST)
    back = next_path(request, reverse("claims:list"))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return HttpResponseRedirect(back)
    try:
        count = workflow.claims_assign(
            claim_ids=[claim.pk for claim in form.cleaned_data["claims"]],
            assignee=form.cleaned_data["assignee"],
            user=request.user,
        )
    except workflow.Refused as refusal:
        messages.error(request, str(refusal))
        return HttpResponseRedirect(back)
    who = form.cleaned_data["assignee"]
    messages.success(request, f"{count} claim{'s' if count != 1 else ''} assigned to {person(who, 'nobody')}.")
    return HttpResponseRedirect(back)


@require_GET
@desk_member_required
def claim_export(request: DeskRequest) -> HttpResponseBase:
    """The claims list under its current filters, as CSV (streamed; formula cells defused)."""
    filters = ClaimFilter(request.GET, queryset=Claim.objects.on_desk())
    if not filters.is_valid():
        return HttpResponse(
            "Unknown filter values: " + "; ".join(filters.errors), status=400, content_type="text/plain"
        )
    site = settings.SITE_URL
    ordering = filters.ordering or ("-rank", "-id")
    claims = filters.qs.order_by(*ordering).select_related("claimant__affiliation", "assignee").prefetch_related("tags")
    writer = csv.writer(Echo())
    rows = (writer.writerow(row) for row in reports.list_csv_rows(claims.iterator(chunk_size=2000), site))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="newsdesk-claims.csv"'
    return response
