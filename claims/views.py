from __future__ import annotations

import csv
from collections import Counter
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import Lower
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event
from django_htmx.middleware import HtmxDetails

from captures import linkwatch
from captures.models import captures_prefetch
from claims import audit, claimreview, duplicates, imports, reports, workflow
from claims import exports as report_files
from claims.filters import ClaimFilter, SourceFilter
from claims.forms import (
    AffiliationForm,
    AssignForm,
    ClaimantForm,
    ClaimForm,
    DecisionForm,
    EvidenceForm,
    MergeForm,
    NameSearchForm,
    OutletForm,
    ProposalForm,
)
from claims.history import claim_timeline
from claims.models import (
    Affiliation,
    Claim,
    Claimant,
    Decision,
    Evidence,
    ExportFormat,
    ExportState,
    Outlet,
    ReportExport,
    Review,
    Source,
    Stance,
    Status,
    StatusCount,
    Tag,
)
from claims.paging import keyset_page
from claims.roles import EDITOR_PERMISSION, desk_member_required, desk_members, is_editor, require
from claims.templatetags.desk import person

CLAIMS_PER_PAGE = 50
MAX_SEARCH_PAGE = 100
CLAIMANT_SUGGESTIONS = 10
LIBRARY_PER_PAGE = 100
# Editors work the queue from the top; the rest wait on later pages.
QUEUE_LIMIT = 50
REPORT_PAGE_ROWS = 200
# Counting a filtered list stops here: past it the page says "more than 1,000" instead of scanning up
# to a million rows on every request. Unfiltered counts are exact (StatusCount).
COUNT_CAP = 1_000
# A search ranks this many of the newest matches at most: a common word matches a hundred thousand
# claims, and ranking them all would cost every search. The page says so when it happens, and
# sorting by newest pages through every match.
SEARCH_CANDIDATES = 200
# A path to return to is a page of the desk: longer ones are not followed (a Location header of tens
# of kilobytes is refused by proxies after the write was made).
MAX_NEXT_LENGTH = 1000
DASHBOARD_ROWS = 8
ACTIVITY_ROWS = 15


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


def _status_counts(counts: dict[str, int] | None = None) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status on the scale, in scale order.

    By default the whole desk's, read from StatusCount, which triggers keep exact.
    """
    counts = StatusCount.by_status() if counts is None else counts
    return [(value, label, counts.get(value, 0)) for value, label in Status.choices]


def _capped_status_counts(claims) -> list[tuple[str, str, int | None]] | None:
    """Counts per status of a filtered list, or None when it holds more than COUNT_CAP claims.

    At most COUNT_CAP + 1 rows are read, so a broad filter costs the same as a narrow one.
    """
    statuses = [status for _, status in claims.order_by().values_list("pk", "status")[: COUNT_CAP + 1]]
    if len(statuses) > COUNT_CAP:
        return None
    counts = Counter(statuses)
    return [(value, label, counts.get(value, 0)) for value, label in Status.choices]


@require_GET
@vary_on_headers("HX-Request")
@desk_member_required
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    if _wants_fragment(request):  # the counters refresh themselves every few seconds
        return render(request, "claims/_dashboard_numbers.html", _dashboard_counters())
    user = request.user
    my_claims = Claim.objects.on_desk().filter(assignee=user).order_by("-priority", "created_at", "id")
    never_proposed = ~Exists(Review.objects.filter(claim=OuterRef("pk")))
    waiting = Claim.objects.on_desk().filter(never_proposed, status=Status.UNVERIFIED).order_by("created_at", "id")
    returned = (
        Review.objects.filter(proposed_by=user, decision=Decision.RETURNED)
        # Shown until the fact-checker acts: a newer proposal on the same claim.
        .exclude(Exists(Review.objects.filter(claim=OuterRef("claim"), proposed_at__gt=OuterRef("proposed_at"))))
        .select_related("claim", "decided_by")
        .order_by("-decided_at")
    )
    context = {
        **_dashboard_counters(),
        "my_claims": my_claims.first_for_list(DASHBOARD_ROWS),
        "waiting": waiting.first_for_list(DASHBOARD_ROWS),
        "returned": returned[:DASHBOARD_ROWS],
        "activity": _recent_activity(),
        # Decided claims whose sources went away or changed (the link watch; docs/architecture.md).
        "at_risk": list(linkwatch.claims_at_risk()[:DASHBOARD_ROWS]),
    }
    return render(request, "claims/dashboard.html", context)


def _dashboard_counters() -> dict:
    counts = _status_counts()
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


def _recent_activity() -> list[dict]:
    """Proposals, decisions and evidence, newest first: three queries whatever the desk's size."""
    reviews = Review.objects.select_related("claim", "proposed_by", "decided_by")
    proposed = reviews.order_by("-proposed_at", "-id")[:ACTIVITY_ROWS]
    decided = reviews.filter(decided_at__isnull=False).order_by("-decided_at", "-id")[:ACTIVITY_ROWS]
    evidence = Evidence.objects.select_related("claim", "source", "added_by").order_by("-added_at", "-id")[
        :ACTIVITY_ROWS
    ]
    items = []
    for review in proposed:
        items.append(
            {
                "when": review.proposed_at,
                "kind": "proposed",
                "who": review.proposed_by,
                "review": review,
                "claim": review.claim,
            }
        )
    for review in decided:
        items.append(
            {
                "when": review.decided_at,
                "kind": review.decision,
                "who": review.decided_by,
                "review": review,
                "claim": review.claim,
            }
        )
    for item in evidence:
        items.append(
            {"when": item.added_at, "kind": "evidence", "who": item.added_by, "evidence": item, "claim": item.claim}
        )
    return sorted(items, key=lambda item: item["when"], reverse=True)[:ACTIVITY_ROWS]


def _wants_fragment(request: HtmxHttpRequest) -> bool:
    """An htmx swap gets the fragment; a history restore (Back after the cache is gone) the page."""
    return bool(request.htmx) and not request.htmx.history_restore_request and not request.htmx.boosted


@require_GET
@vary_on_headers("HX-Request")  # the same URL answers with a page or a fragment: caches must tell them apart
@desk_member_required
def claim_list(request: HtmxHttpRequest) -> HttpResponse:
    # Filter, sort and page bare rows (the indexes serve that), then annotate only the page's rows:
    # aggregating evidence before the LIMIT would count it for every matching claim.
    filters = ClaimFilter(request.GET, queryset=Claim.objects.on_desk())
    valid = filters.is_valid()  # an unknown value is explained beside the filters, with a 400
    claims = filters.qs if valid else Claim.objects.none()

    if filters.ordering:
        page = keyset_page(claims, filters.ordering, request.GET.get("after", ""), CLAIMS_PER_PAGE)
        ids = [claim.pk for claim in page.items]
        next_query = _query(request, after=page.next_cursor, page=None) if page.next_cursor else ""
        is_first = page.is_first
    else:  # ranked search results: relevance has no stable keyset, and nobody reads page 200 of them
        number = _page_number(request.GET.get("page"))
        offset = (number - 1) * CLAIMS_PER_PAGE
        # Rank the newest SEARCH_CANDIDATES matches, not every match of a common word.
        newest_matches = claims.order_by("-id").values("pk")[:SEARCH_CANDIDATES]
        ranked = claims.filter(pk__in=newest_matches).order_by("-rank", "-id")
        rows = list(ranked.values_list("pk", flat=True)[offset : offset + CLAIMS_PER_PAGE + 1])
        ids, is_first = rows[:CLAIMS_PER_PAGE], number == 1
        has_next = len(rows) > CLAIMS_PER_PAGE and number < MAX_SEARCH_PAGE
        next_query = _query(request, page=number + 1, after=None) if has_next else ""
    items = Claim.objects.listed(ids)

    # Counts per status for the other filters, so each status chip says what ticking it would show:
    # exact for the whole desk, counted up to COUNT_CAP under other filters.
    without_status = request.GET.copy()
    without_status.pop("status", None)
    count_filters = ClaimFilter(without_status, queryset=Claim.objects.on_desk())
    narrowed = count_filters.is_valid() and any(
        value not in (None, "", []) for name, value in count_filters.form.cleaned_data.items() if name != "sort"
    )
    status_counts = _capped_status_counts(count_filters.qs) if narrowed else _status_counts()
    selected = set(filters.form.cleaned_data.get("status") or []) if valid else set()
    if status_counts is None:
        total = None
        status_counts = [(value, label, None) for value, label in Status.choices]
    else:
        total = sum(count for value, _, count in status_counts if not selected or value in selected)
    context = {
        "filters": filters,
        "claims": items,
        "next_query": next_query,
        "first_query": "" if is_first else _query(request, after=None, page=None),
        "status_counts": status_counts,
        "selected_statuses": selected,
        "total": total,
        "tag_names": Tag.objects.order_by("name").values_list("name", flat=True),
        "count_cap": COUNT_CAP,
        "search_candidates": SEARCH_CANDIDATES,
        "assignable": _assignable(request.user),
    }
    template = "claims/claim_list.html#results" if _wants_fragment(request) else "claims/claim_list.html"
    return render(request, template, context, status=200 if valid else 400)


def _query(request: HttpRequest, **changes: object) -> str:
    """The current query string with some parameters replaced (or removed, with None)."""
    query = request.GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    return query.urlencode()


def _int_or_none(raw: str | None) -> int | None:
    try:
        return int(raw or "")
    except ValueError:
        return None


def _page_number(raw: str | None) -> int:
    try:
        return min(max(int(raw or 1), 1), MAX_SEARCH_PAGE)
    except ValueError:
        return 1


@require_GET
@desk_member_required
def claim_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    merged = _merged_into(pk)
    if merged:  # a duplicate folded into its original: bookmarks and report links land there
        messages.info(request, f"Claim #{pk} was merged into #{merged} as a duplicate.")
        return redirect("claims:detail", pk=merged)
    return render(request, "claims/claim_detail.html", _claim_page(request, pk))


def _merged_into(pk: int) -> int | None:
    return Claim.objects.filter(pk=pk).values_list("merged_into", flat=True).first()


@require_POST
@desk_member_required
def evidence_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
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
            status = _refusal_on_form(form, refusal)
        else:
            if not request.htmx:
                messages.success(request, "Evidence added.")
                return redirect(claim)
            return _evidence_changed(request, pk)
    context = {**_claim_page(request, pk, evidence_form=form), "failed": True}
    template = "claims/_claim_updates.html" if request.htmx else "claims/claim_detail.html"
    return render(request, template, context, status=status)


def _refusal_on_form(form, refusal: workflow.Refusal) -> int:
    """Say a workflow refusal beside the field it names (or above the form); the status to answer with."""
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, str(refusal))
    return refusal.status_code


@require_POST
@desk_member_required
def evidence_remove(request: HtmxHttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    workflow.ensure_allowed(request.user, "remove_evidence")
    evidence = get_object_or_404(Evidence.objects.select_related("claim"), pk=evidence_pk, claim_id=pk)
    try:
        workflow.evidence_remove(evidence=evidence, user=request.user)
    except workflow.Refused as refusal:  # said in the evidence section, where the person clicked
        context = {**_claim_page(request, pk), "evidence_error": str(refusal), "failed": True}
        template = "claims/_claim_updates.html" if request.htmx else "claims/claim_detail.html"
        return render(request, template, context, status=refusal.status_code)
    if not request.htmx:
        messages.success(request, "Evidence removed; the history keeps it.")
        return redirect(evidence.claim)
    return _evidence_changed(request, pk)


@require_POST
@desk_member_required
def claim_propose(request: HtmxHttpRequest, pk: int) -> HttpResponse:
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
            status = _refusal_on_form(form, refusal)
        else:
            messages.success(request, "Proposal sent to the editors' queue.")
            return redirect(claim)
    return render(request, "claims/claim_detail.html", _claim_page(request, pk, proposal_form=form), status=status)


def _evidence_changed(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence section with a fresh form, and the parts of the page that depend on it."""
    return render(request, "claims/_claim_updates.html", _claim_page(request, pk))


def _claim_page(request: HttpRequest, pk: int, *, evidence_form=None, proposal_form=None, merge_form=None) -> dict:
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
        "assignable": _assignable(request.user),
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


def _assignable(user) -> list:
    """Whom an editor can give claims to (nobody else needs the list)."""
    return list(desk_members().order_by("first_name", "username")) if is_editor(user) else []


@require_http_methods(["GET", "POST"])
@desk_member_required
def claim_create(request: HtmxHttpRequest) -> HttpResponse:
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
        return _claim_form(request, form, status=_refusal_on_form(form, refusal))
    messages.success(request, f"Claim #{claim.pk} logged.")
    return redirect(claim)


def _add_appearance(request: HtmxHttpRequest, form: ClaimForm, original: Claim) -> HttpResponse:
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
def claim_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    workflow.ensure_allowed(request.user, "edit_claim")
    merged = _merged_into(pk)
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
        return _claim_form(request, form, status=_refusal_on_form(form, refusal))
    messages.success(
        request, "Correction recorded; the weekly report lists it." if edited.correction else "Changes saved."
    )
    return redirect(claim)


def _edit_conflict(request: HtmxHttpRequest, pk: int, conflict: workflow.Conflict) -> HttpResponse:
    """Someone else saved first: show what they changed, keep this person's input, and let the next
    save (made knowingly) go through against the current version."""
    now = Claim.objects.get(pk=pk)
    changes = list(conflict.changes)
    tags_seen, tags_now = request.POST.get("tags_seen", ""), now.tag_list()
    if tags_seen != tags_now:
        changes.append(("Tags", tags_seen or "—", tags_now or "—"))
    data = request.POST.copy()
    data["version"] = conflict.version
    form = ClaimForm(data, instance=now, user=request.user, has_verdict=workflow.has_verdict(now))
    form.is_valid()  # binds this person's input to the form again
    return _claim_form(request, form, status=409, conflict={"changes": changes, "by": conflict.saved_by})


def _claim_form(
    request: HttpRequest, form: ClaimForm, *, status: int = 200, conflict=None, duplicates=None
) -> HttpResponse:
    claim = form.instance if form.instance.pk else None
    context = {"form": form, "claim": claim, "conflict": conflict, "similar": [], "duplicates": duplicates or []}
    return render(request, "claims/claim_form.html", context, status=status)


@require_POST
@desk_member_required
def claim_merge(request: HtmxHttpRequest, pk: int) -> HttpResponse:
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
            status = _refusal_on_form(form, refusal)
        else:
            moved = merged.moved_evidence
            messages.success(
                request,
                f"Claim #{pk} merged into #{merged.original.pk} as another appearance;"
                f" {moved} source{'s' if moved != 1 else ''} moved here.",
            )
            return redirect(merged.original)
    return render(request, "claims/claim_detail.html", _claim_page(request, pk, merge_form=form), status=status)


@require_GET
@desk_member_required
def claim_similar(request: HtmxHttpRequest) -> HttpResponse:
    """The duplicate guard: claims worded like the text being typed."""
    text = request.GET.get("text", "")
    similar = list(Claim.objects.on_desk().similar_to(text, exclude=_int_or_none(request.GET.get("exclude"))))
    for other in similar:  # logging one of these asks first (add as an appearance, or log new)
        other.likely_duplicate = duplicates.is_likely_duplicate(text, other.text)
    return render(request, "claims/claim_form.html#similar", {"similar": similar, "text": text})


@require_GET
@desk_member_required
def claimant_suggest(request: HtmxHttpRequest) -> HttpResponse:
    """<option>s for a claimant <datalist>: names that start with, then contain, what was typed."""
    search = NameSearchForm({"name": request.GET.get("claimant") or request.GET.get("claimant_name") or ""})
    if not search.is_valid():
        return render(request, "claims/_claimant_options.html", {"names": []}, status=400)
    typed = search.cleaned_data["name"]
    names = []
    if typed:
        starts = Claimant.objects.filter(name__istartswith=typed).order_by("name")
        names = list(starts.values_list("name", flat=True)[:CLAIMANT_SUGGESTIONS])
        if len(names) < CLAIMANT_SUGGESTIONS:
            more = Claimant.objects.filter(name__icontains=typed).exclude(name__in=names).order_by("name")
            names += list(more.values_list("name", flat=True)[: CLAIMANT_SUGGESTIONS - len(names)])
    return render(request, "claims/_claimant_options.html", {"names": names})


@require_GET
@desk_member_required
def claimant_list(request: HttpRequest) -> HttpResponse:
    claimants = Claimant.objects.select_related("affiliation").with_track_record().order_by("-claim_count", "name")
    search = NameSearchForm({"name": request.GET.get("q", "")})
    valid = search.is_valid()
    if not valid:  # said above the list, with a 400 like the claims list's filters
        messages.error(request, " ".join(search.errors["name"]))
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
def claimant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claimant = get_object_or_404(Claimant.objects.select_related("affiliation"), pk=pk)
    return render(request, "claims/claimant_detail.html", _claimant_page(request, claimant))


def _claimant_page(request: HttpRequest, claimant: Claimant) -> dict:
    record = _status_counts(Claim.objects.track_record(claimant))
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
def source_list(request: HttpRequest) -> HttpResponse:
    filters = SourceFilter(request.GET, queryset=Source.objects.select_related("outlet__affiliation"))
    valid = filters.is_valid()
    sources = (filters.qs if valid else Source.objects.none()).annotate(claim_count=Count("evidence"))
    page = Paginator(sources.order_by("-added_at", "-id"), LIBRARY_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "claims/source_list.html", {"page": page, "filters": filters}, status=200 if valid else 400)


@require_GET
@desk_member_required
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
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
def outlet_list(request: HttpRequest) -> HttpResponse:
    """Outlets and their affiliations, which decide what counts as independent."""
    return render(request, "claims/outlet_list.html", _outlet_page())


@require_POST
@desk_member_required
def outlet_update(request: HttpRequest, pk: int) -> HttpResponse:
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
def affiliation_save(request: HttpRequest, pk: int | None = None) -> HttpResponse:
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
            status = _refusal_on_form(form, refusal)
        else:
            messages.success(request, f"Affiliation “{affiliation.name}” saved.")
            return redirect("claims:outlets")
    else:
        status = 422
    return render(request, "claims/outlet_list.html", _outlet_page(affiliation_form=form), status=status)


def _outlet_page(**extra) -> dict:
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


# --- The editors' review queue ----------------------------------------------------------------------


@require_GET
@desk_member_required
def review_queue(request: HtmxHttpRequest) -> HttpResponse:
    mine = request.GET.get("mine") == "1"
    page = _page_number(request.GET.get("page"))
    return render(request, "claims/review_queue.html", _queue(request.user, mine=mine, page=page))


@require_GET
@desk_member_required
def review_updates(request: HtmxHttpRequest) -> HttpResponse:
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
def review_count(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "claims/_queue_count.html", {"queue_count": Review.objects.pending().count()})


@require_POST
@desk_member_required
def review_decide(request: HtmxHttpRequest, pk: int, decision: str) -> HttpResponse:
    review = get_object_or_404(Review, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():  # a NUL byte (PostgreSQL refuses it) or a note past its limit
        return _decision_refused(request, review, " ".join(form.errors["note"]), status=422)
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
    return HttpResponseRedirect(_back(request, reverse("claims:queue")))


def _decision_refused(request: HtmxHttpRequest, review: Review, message: str, status: int = 409) -> HttpResponse:
    """Say why, beside the row (htmx) or above the queue; 409 when the state did not allow it."""
    if request.htmx and request.POST.get("from") == "queue":
        rows = _queue(request.user, only=review.pk)["rows"]
        if rows:
            return render(request, "claims/review_queue.html#row", {"row": rows[0], "error": message}, status=status)
        return trigger_client_event(
            render(request, "claims/_queue_done.html", {"review": review, "done": message}, status=status),
            "queueChanged",
        )
    context = _queue(request.user, mine=False)
    context["error"] = message
    return render(request, "claims/review_queue.html", context, status=status)


def _queue(user, *, mine: bool = False, only: int | None = None, page: int = 1) -> dict:
    """Pending reviews, most urgent claim first, then longest waiting, with their evidence and gates.

    QUEUE_LIMIT to a page: the pending set is what a desk has not decided yet, so numbered pages over
    it stay cheap whatever the size of the archive.
    """
    reviews = Review.objects.pending().select_related("proposed_by").order_by("-claim__priority", "proposed_at", "id")
    if mine:
        reviews = reviews.filter(proposed_by=user)
    if only:
        reviews = reviews.filter(pk=only)
    offset = (page - 1) * QUEUE_LIMIT
    rows = list(reviews[offset : offset + QUEUE_LIMIT])
    claims = Claim.objects.for_list().in_bulk([review.claim_id for review in rows])
    for review in rows:
        review.claim = claims[review.claim_id]
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
        "page": page,
        "earlier": offset,
        "more": max(listed - offset - len(rows), 0),
    }


def _back(request: HttpRequest, default: str) -> str:
    """Where a form asked to go afterwards (`next`): a path on this site, else `default`.

    Only a path is taken, never a view name or another site: redirect() would read "abc" as a view
    name and fail after the write was committed, and a control character cannot go in a header.
    """
    target = request.POST.get("next", "")
    if (
        len(target) <= MAX_NEXT_LENGTH
        and target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    ):
        return target
    return default


# --- Assignment ---------------------------------------------------------------------------------------


@require_POST
@desk_member_required
def claim_assign(request: HtmxHttpRequest) -> HttpResponse:
    """Assign one claim (claim page) or several (the list's selection) to a desk member or nobody."""
    workflow.ensure_allowed(request.user, "assign")
    form = AssignForm(request.POST)
    back = _back(request, reverse("claims:list"))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
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


@require_POST
@desk_member_required
def claimant_update(request: HttpRequest, pk: int) -> HttpResponse:
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


# --- Weekly report ------------------------------------------------------------------------------------


@require_GET
@desk_member_required
def report_current(request: HttpRequest) -> HttpResponse:
    """/reports/weekly/ → this week's report, or the week picked in the week picker."""
    picked = request.GET.get("week", "")
    try:
        week = reports.IsoWeek.parse(picked) if picked else reports.IsoWeek.containing(timezone.localdate())
    except ValueError as error:
        well_formed = reports.WEEK_PATTERN.fullmatch(picked)  # a real week the desk keeps no report for
        messages.error(
            request, str(error) if well_formed else f"“{picked[:20]}” is not a week; pick one like 2024-W20."
        )
        week = reports.IsoWeek.containing(timezone.localdate())
    return redirect("claims:report", week=str(week))


@require_GET
@desk_member_required
def report_weekly(request: HttpRequest, week: str) -> HttpResponse:
    # A busy week has a hundred thousand verdicts: the page shows the first rows of each list and
    # points to the CSV and JSON files, which hold them all.
    report = _report_for(week)
    context = reports.page_context(report, limit=REPORT_PAGE_ROWS)
    if report.count_verdicts() > settings.REPORT_INLINE_LIMIT:
        # Too many to write out while the browser waits: a worker prepares the PDF and JSON
        # (docs/report-format.md, "Busy weeks"). One query for both files.
        context["report_files"] = _report_files(report.week)
    return render(request, "claims/report_weekly.html", context)


@require_GET
@desk_member_required
def report_export(request: HttpRequest, week: str, fmt: str) -> HttpResponse:
    report = _report_for(week)
    site = settings.SITE_URL  # the same links whichever address the file was downloaded from
    filename = f"newsdesk-{report.week}.{fmt}"
    if fmt in ExportFormat.values and report.count_verdicts() > settings.REPORT_INLINE_LIMIT:
        # Writing this out would outlast the request (docs/report-format.md, "Busy weeks"): hand over
        # the week's final prepared file, or send the person to the page that prepares one.
        final = _report_files(report.week, only=fmt)[0]
        if final["export"] is not None and final["final"]:
            return redirect("claims:report_file_download", pk=final["export"].pk)
        messages.info(request, f"Week {report.week} is too busy to write out while you wait: prepare the file here.")
        return redirect(reverse("claims:report", args=[str(report.week)]) + "#report-files")
    if fmt == "csv":
        writer = csv.writer(_Echo())
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in reports.csv_rows(report, site)), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "pdf":
        response = HttpResponse(reports.as_pdf(report), content_type="application/pdf")
    elif fmt == "jsonld":
        response = JsonResponse(
            reports.claim_reviews(report, site),
            safe=False,
            content_type="application/ld+json",
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
    else:
        # The same bytes a prepared file of a busy week has (claims.exports).
        response = HttpResponse(reports.json_document(report, site), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@desk_member_required
def report_file_prepare(request: HtmxHttpRequest, week: str) -> HttpResponse:
    """Queue the PDF or JSON file of a busy week (or hand back the past week's finished one)."""
    workflow.ensure_allowed(request.user, "export_report")
    report_week = _report_for(week).week
    fmt = request.POST.get("format", "")
    export = workflow.report_export_request(week=str(report_week), fmt=fmt, user=request.user)
    if not request.htmx:
        return redirect(reverse("claims:report", args=[str(report_week)]) + f"#report-file-{export.format}")
    context = {"file": _report_file(export.format, export), "week": report_week}
    return render(request, "claims/_report_file.html", context)


@require_GET
@vary_on_headers("HX-Request")
@desk_member_required
def report_file_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The block of one prepared file, which polls this while the worker writes it."""
    export = get_object_or_404(ReportExport, pk=pk)
    week = reports.IsoWeek.parse(export.week)
    if not request.htmx:
        return redirect(reverse("claims:report", args=[str(week)]) + f"#report-file-{export.format}")
    return render(request, "claims/_report_file.html", {"file": _report_file(export.format, export), "week": week})


@require_GET
@desk_member_required
def report_file_download(request: HttpRequest, pk: int) -> FileResponse:
    export = get_object_or_404(ReportExport, pk=pk, state=ExportState.DONE)
    try:
        handle = report_files.storage().open(export.file_name, "rb")
    except FileNotFoundError as error:
        raise Http404("This file is no longer stored; prepare it again from the report's page.") from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=report_files.download_name(export),
        content_type=report_files.MEDIA_TYPES[export.format],
    )
    # The hash recorded when the file was written, so whoever downloads it can check the bytes.
    response["X-Content-SHA256"] = export.sha256
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _report_files(week: reports.IsoWeek, only: str | None = None) -> list[dict]:
    """The PDF and JSON blocks of a busy week's page: for each format the export to show (one under
    way, else the newest finished file, else the newest failure), in one query."""
    formats = [only] if only else [ExportFormat.PDF, ExportFormat.JSON]
    newest = (
        ReportExport.objects.filter(week=str(week), format__in=formats)
        .order_by("format", "state", "-requested_at", "-id")
        .distinct("format", "state")
    )
    by_format: dict[str, dict[str, ReportExport]] = {}
    for export in newest:
        by_format.setdefault(export.format, {})[export.state] = export
    files = []
    for fmt in formats:
        found = by_format.get(fmt, {})
        shown = (
            found.get(ExportState.RUNNING)
            or found.get(ExportState.QUEUED)
            or found.get(ExportState.DONE)
            or found.get(ExportState.FAILED)
        )
        files.append(_report_file(fmt, shown))
    return files


def _report_file(fmt: str, export: ReportExport | None) -> dict:
    final = export is not None and report_files.is_final(export)
    return {
        "format": fmt,
        "label": ExportFormat(fmt).label,
        "export": export,
        "final": final,
        # A past week's final file stands; a file of a week still running can be made again with
        # what changed since. Nothing is offered while one is being written.
        "can_prepare": export is None or (export.finished and not final),
    }


class _Echo:
    """A file-like object for csv.writer that hands each formatted line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _report_for(week: str) -> reports.WeeklyReport:
    try:
        return reports.WeeklyReport(reports.IsoWeek.parse(week))
    except ValueError as error:
        raise Http404(str(error)) from error


@require_GET
@desk_member_required
def claim_export(request: HttpRequest) -> HttpResponse:
    """The claims list under its current filters, as CSV (streamed; formula cells defused)."""
    filters = ClaimFilter(request.GET, queryset=Claim.objects.on_desk())
    if not filters.is_valid():
        return HttpResponse(
            "Unknown filter values: " + "; ".join(filters.errors), status=400, content_type="text/plain"
        )
    site = settings.SITE_URL
    ordering = filters.ordering or ("-rank", "-id")
    claims = filters.qs.order_by(*ordering).select_related("claimant__affiliation", "assignee").prefetch_related("tags")
    writer = csv.writer(_Echo())
    rows = (writer.writerow(row) for row in reports.list_csv_rows(claims.iterator(chunk_size=2000), site))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="newsdesk-claims.csv"'
    return response


MAX_IMPORT_BYTES = 5 * 1024 * 1024


@require_http_methods(["GET", "POST"])
@desk_member_required
def claimreview_import(request: HttpRequest) -> HttpResponse:
    """Editors upload ClaimReview JSON-LD from other fact-checkers; the page lists what happened."""
    workflow.ensure_allowed(request.user, "import")
    context, status = {}, 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"], status = "Choose a JSON-LD file to import.", 422
        elif upload.size > MAX_IMPORT_BYTES:
            context["error"], status = "That file is larger than 5 MB; split it.", 422
        else:
            text = upload.read().decode("utf-8-sig", errors="replace")  # -sig: files saved with a BOM
            context["report"] = imports.import_document(text, name=upload.name, user=request.user)
    return render(request, "claims/import.html", context, status=status)


@require_GET
@desk_member_required
def audit_history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Every recorded write to a claim or a source and the rows that hang off it, for editors."""
    require(request.user, EDITOR_PERMISSION, "Only editors read the full audit history.")
    obj = get_object_or_404(Claim if kind == "claim" else Source, pk=pk)
    page, entries = audit.audit_page(obj, request.GET.get("page"))
    return render(request, "claims/audit_history.html", {"obj": obj, "kind": kind, "page": page, "entries": entries})
