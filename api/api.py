"""The desk's JSON API, /api/v1/ (docs/api.md): the claims list with its filters, a claim with its
evidence, claimants, sources and weekly reports to read; claims, evidence and status proposals to write,
and decisions for editors.

Every write goes through claims.workflow, as the browser's do: the same rules, refusals and audit
history. Inputs are checked by the browser's own forms, so a field is refused with the same sentence.
Every answer is JSON, errors included: {"error": …, "detail": …}.
"""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Query
from ninja import Status as Answer
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from api.models import ApiToken
from api.schemas import (
    CLAIM_ROW,
    AppearanceCreated,
    AppearanceOut,
    ClaimantOut,
    ClaimantPage,
    ClaimDetailOut,
    ClaimIn,
    ClaimOut,
    ClaimPage,
    DecisionIn,
    Error,
    EvidenceIn,
    EvidenceOut,
    IntakeIn,
    IntakeOut,
    LikelyDuplicate,
    ProposalIn,
    ReviewOut,
    SourceOut,
    SourcePage,
    claim_row,
)
from captures.models import Capture
from claims import duplicates, reports, workflow
from claims.filters import SORTS, ClaimFilter
from claims.forms import ClaimForm, DecisionForm, EvidenceForm, ProposalForm
from claims.models import Claim, Claimant, Evidence, Priority, Review, Source, Status
from claims.paging import keyset_page
from claims.roles import DeskPermissionBackend, DeskRefusal, is_desk_member
from intake import extraction as intake_extraction
from intake.forms import StoryForm

PAGE_SIZE = 50  # the default page, as the browser's list
DAY = r"^(\d{4}-\d{2}-\d{2})?$"  # YYYY-MM-DD, or nothing
MAX_PAGE_SIZE = 200


# --- Who is asking -------------------------------------------------------------------------------------


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"Too many requests with this token; try again in {retry_after} s.")
        self.retry_after = retry_after


class TokenAuth(HttpBearer):
    """`Authorization: Bearer nd_…`: a personal access token, acting as its person with their roles as
    they are now, within the token's rate limit (api.models)."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        use = ApiToken.objects.use(token)
        if use is None:
            raise AuthenticationError(401, "This token is not valid: it is mistyped, or it was revoked.")
        if use.retry_after:
            raise RateLimited(use.retry_after)
        user = DeskPermissionBackend().get_user(use.user_id)  # the person and their permissions, one query
        if user is None:
            raise AuthenticationError(401, "This token's account is disabled.")
        request.user = user
        return _on_desk(user)


class DeskSession(SessionAuth):
    """The browser's session, for people trying the API from its docs page; CSRF is checked on writes."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # Nobody signed in: not this scheme's request, so a write without credentials is a 401, not a
        # failed CSRF check (ninja checks CSRF before it looks at the session).
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = super().authenticate(request, key)
        return _on_desk(user) if user else None


def _on_desk(user: User) -> User:
    if not is_desk_member(user):
        raise DeskRefusal("This account has no role on the desk. Ask an editor to add you.")
    return user


api = NinjaAPI(
    title=f"{settings.NEWSROOM_NAME} API",
    version="1",
    description=(
        "Claims, their evidence and verdicts. Authenticate with a personal access token "
        "(`Authorization: Bearer …`, made on the desk's API tokens page). Errors are JSON: "
        '`{"error": …, "detail": …}`.'
    ),
    urls_namespace="api",
    auth=[TokenAuth(), DeskSession()],
    openapi_url="/openapi.json",
    docs_url="/docs",
)

ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error, 429: Error}


# --- Errors, all JSON ----------------------------------------------------------------------------------


def error(request: HttpRequest, status: int, title: str, detail, **extra) -> HttpResponse:
    return api.create_response(request, {"error": title, "detail": detail, **extra}, status=status)


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc: NinjaValidationError):
    fields = [{"field": _field_name(item["loc"]), "message": item["msg"]} for item in exc.errors]
    return error(request, 422, "invalid input", fields)


def _field_name(location) -> str:
    """("body", "body", "tags", 0) → "tags.0"; ("query", "limit") → "limit": the field as the caller sent it
    (a JSON body arrives as the operation's `body` parameter, which names nothing the caller wrote)."""
    source, *path = location
    if source == "body" and len(path) > 1:
        path = path[1:]
    return ".".join(str(part) for part in path) or str(source)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc: AuthenticationError):
    message = exc.message if exc.message != "Unauthorized" else "Sign in, or send a token: Authorization: Bearer …"
    response = error(request, 401, "not authenticated", message)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(RateLimited)
def rate_limited(request, exc: RateLimited):
    response = error(request, 429, "rate limited", str(exc))
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(DeskRefusal)
def forbidden(request, exc: DeskRefusal):
    return error(request, 403, "forbidden", str(exc))


@api.exception_handler(workflow.Refused)
def refused(request, exc: workflow.Refused):
    if exc.status_code == 422:
        return error(request, 422, "refused", [{"field": exc.field or "", "message": str(exc)}])
    return error(request, exc.status_code, "refused", str(exc))


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    return error(request, 404, "not found", str(exc) or "There is nothing at this address.")


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return error(request, exc.status_code, "refused", str(exc))


class FormInvalid(Exception):
    def __init__(self, form):
        self.form = form


@api.exception_handler(FormInvalid)
def form_invalid(request, exc: FormInvalid):
    fields = [
        {"field": FORM_TO_API.get(name, name) if name != "__all__" else "", "message": message}
        for name, messages in exc.form.errors.items()
        for message in messages
    ]
    return error(request, 422, "invalid input", fields)


# The browser's form fields, named as the API names them.
FORM_TO_API = {"claimant_name": "claimant", "new_claimant_kind": "claimant_kind", "tag_names": "tags"}


def _checked(form):
    if not form.is_valid():
        raise FormInvalid(form)
    return form.cleaned_data


# --- Claims --------------------------------------------------------------------------------------------


@api.get(
    "/claims",
    tags=["Claims"],
    response={200: ClaimPage, **ERRORS},
    summary="List claims",
    description="The claims list's filters; newest first unless `sort` says otherwise. Pages by `cursor`.",
)
def claim_list(
    request,
    q: str = Query("", description="Words to search for (websearch syntax), in any script."),
    status: list[Status] = Query([], description="One or more statuses."),
    claimant: str = Query("", description="A claimant's name or alias."),
    tag: str = Query("", description="A tag's name."),
    assignee: str = Query("", description='A username, or "none" for claims nobody has taken.'),
    priority: Literal["", "low", "normal", "high", "urgent"] = Query(""),
    claimed_from: str = Query("", description="Claimed on or after this day.", pattern=DAY, examples=["2024-05-15"]),
    claimed_to: str = Query("", description="Claimed on or before this day.", pattern=DAY, examples=["2024-05-31"]),
    sort: Literal["", "newest", "oldest", "priority", "activity"] = Query("", description="Newest first unless set."),
    cursor: str = Query("", description="From the previous page's next_cursor."),
    limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    given = QueryDict(mutable=True)
    for name, value in {
        "q": q,
        "claimant": claimant,
        "tag": tag,
        "assignee": assignee,
        "priority": str(Priority[priority.upper()].value) if priority else "",
        "claimed_from": claimed_from,
        "claimed_to": claimed_to,
        "sort": sort,
    }.items():
        if value:
            given[name] = value
    if status:
        given.setlist("status", [str(value) for value in status])
    claims, ordering = Claim.objects.on_desk(), SORTS["newest"]
    if given:  # the filter set and its form are built only when something is filtered (a third of the time)
        filters = ClaimFilter(given, queryset=claims)
        if not filters.is_valid():
            raise FormInvalid(filters.form)
        # Relevance has no stable cursor: a search pages newest first, like the browser's sorted search.
        claims, ordering = filters.qs, filters.ordering or SORTS["newest"]
    page = keyset_page(claims, ordering, cursor, limit)
    ids = [claim.pk for claim in page.items]
    rows = {row["id"]: row for row in Claim.objects.for_list().filter(pk__in=ids).values(*CLAIM_ROW)}
    return {"claims": [claim_row(rows[pk]) for pk in ids], "next_cursor": page.next_cursor or None}


@api.get(
    "/claims/{int:claim_id}",
    tags=["Claims"],
    response={200: ClaimDetailOut, **ERRORS},
    summary="One claim, with its evidence",
)
def claim_detail(request, claim_id: int):
    return _claim_detail(claim_id)


def _claim_detail(claim_id: int) -> dict:
    claim = get_object_or_404(Claim.objects.for_list().prefetch_related("tags"), pk=claim_id)
    captures = Prefetch(
        "source__captures", queryset=Capture.objects.newest_first().prefetch_related("artifacts"), to_attr="captured"
    )
    evidence = list(
        Evidence.objects.filter(claim=claim)
        .select_related("source__outlet__affiliation", "added_by")
        .prefetch_related(captures)
        .order_by("added_at", "id")
    )
    for item in evidence:
        item.claim = claim  # is_independent reads the claimant through it
    reviews = claim.reviews.select_related("proposed_by", "decided_by").order_by("-proposed_at", "-id")
    appearances = claim.appearances.select_related("claimant").order_by("appeared_on", "id")
    return {
        **ClaimOut.of(claim),
        "quote": claim.quote,
        "origin_url": claim.origin_url,
        "tags": sorted(tag.name for tag in claim.tags.all()),
        "version": claim.version,
        "updated_at": claim.updated_at,
        "evidence_links": [EvidenceOut.of(item, item.source.captured) for item in evidence],
        "appearances": [AppearanceOut.of(appearance) for appearance in appearances],
        "reviews": [ReviewOut.of(review) for review in reviews],
    }


@api.post(
    "/claims",
    tags=["Claims"],
    response={201: ClaimDetailOut, 200: AppearanceCreated, 409: LikelyDuplicate, **ERRORS},
    summary="Log a claim",
    description=(
        "Logged unverified. When it reads like claims already on the desk, nothing is logged and the answer "
        'is 409 with those claims: send it again with `duplicate` set to "new", or to one of their ids to '
        "record this as another appearance of that claim (200)."
    ),
)
def claim_create(request, body: ClaimIn):
    workflow.ensure_allowed(request.user, "log_claim")
    data = {
        "text": body.text,
        "claimant_name": body.claimant,
        "new_claimant_kind": body.claimant_kind,
        "claimed_on": body.claimed_on.isoformat(),
        "quote": body.quote,
        "origin_url": body.origin_url,
        "priority": str(Priority[body.priority.upper()].value),
        "tag_names": ", ".join(body.tags),
    }
    if body.assignee:
        # A username is at most 150 characters and never holds a NUL, which PostgreSQL refuses in text.
        possible = "\x00" not in body.assignee and len(body.assignee) <= 150
        assignee = User.objects.filter(username=body.assignee).first() if possible else None
        data["assignee"] = str(assignee.pk) if assignee else "unknown"
    form = ClaimForm(data, user=request.user)
    if body.assignee and "assignee" not in form.fields:
        raise workflow.NotAllowed("Only editors assign claims to others.", field="assignee")
    cleaned = _checked(form)
    matches = duplicates.likely_duplicates(cleaned["text"])
    choice = (body.duplicate or "").strip()
    if choice.isascii() and choice.isdigit():
        original = next((match for match in matches if str(match.pk) == choice.lstrip("0")), None)
        if original is None:
            return Answer(
                409, _duplicates(f"Claim #{choice[:12]} does not read like this one; choose from these.", matches)
            )
        appearance = workflow.appearance_add(
            claim=original,
            user=request.user,
            claimant=form.claimant_choice(),
            appeared_on=cleaned["claimed_on"],
            origin_url=cleaned["origin_url"],
            quote=cleaned["quote"],
        )
        return Answer(200, {"claim": original.pk, "appearance": AppearanceOut.of(appearance)})
    if matches and choice != "new":
        return Answer(409, _duplicates("This reads like claims already on the desk; nothing was logged.", matches))
    claim = workflow.claim_log(
        user=request.user,
        values=form.claim_values(),
        claimant=form.claimant_choice(),
        tags=cleaned["tag_names"],
        likely_duplicates=matches,
    )
    return Answer(201, _claim_detail(claim.pk))


def _duplicates(detail: str, matches: list[Claim]) -> dict:
    return {
        "error": "likely duplicate",
        "detail": detail,
        "duplicates": [
            {"id": m.pk, "text": m.text, "status": m.status, "url": settings.SITE_URL + m.get_absolute_url()}
            for m in matches
        ],
    }


@api.post(
    "/claims/{int:claim_id}/evidence",
    tags=["Claims"],
    response={201: EvidenceOut, 409: Error, **ERRORS},
    summary="Add evidence",
)
def evidence_add(request, claim_id: int, body: EvidenceIn):
    workflow.ensure_allowed(request.user, "add_evidence")
    claim = get_object_or_404(Claim.objects.select_related("claimant__affiliation"), pk=claim_id)
    data = body.dict()
    cleaned = _checked(EvidenceForm({**data, "repeats_claimant": "on" if body.repeats_claimant else ""}, claim=claim))
    evidence = workflow.evidence_add(claim=claim, user=request.user, **cleaned)
    evidence = Evidence.objects.select_related("source__outlet__affiliation", "added_by").get(pk=evidence.pk)
    evidence.claim = claim
    return Answer(201, EvidenceOut.of(evidence, []))


@api.post(
    "/claims/{int:claim_id}/reviews",
    tags=["Reviews"],
    response={201: ReviewOut, 409: Error, **ERRORS},
    summary="Propose a status",
    description="The proposal waits in the editors' queue; the evidence gate of the status must be met.",
)
def review_propose(request, claim_id: int, body: ProposalIn):
    workflow.ensure_allowed(request.user, "propose")
    claim = get_object_or_404(Claim, pk=claim_id)
    cleaned = _checked(ProposalForm({"status": body.status, "rationale": body.rationale}, claim=claim))
    review = workflow.review_propose(
        claim=claim, status=cleaned["status"], rationale=cleaned["rationale"], user=request.user
    )
    return Answer(201, ReviewOut.of(review))


def _review(review_id: int) -> Review:
    return get_object_or_404(Review.objects.select_related("proposed_by", "decided_by"), pk=review_id)


@api.post(
    "/reviews/{int:review_id}/approve",
    tags=["Reviews"],
    response={200: ReviewOut, 409: Error, **ERRORS},
    summary="Approve",
)
def review_approve(request, review_id: int, body: DecisionIn):
    note = _checked(DecisionForm({"note": body.note}))["note"]
    review = workflow.review_approve(review=_review(review_id), user=request.user, note=note.strip())
    return ReviewOut.of(_review(review.pk))


@api.post(
    "/reviews/{int:review_id}/return",
    tags=["Reviews"],
    response={200: ReviewOut, 409: Error, **ERRORS},
    summary="Return with a note",
)
def review_return(request, review_id: int, body: DecisionIn):
    note = _checked(DecisionForm({"note": body.note}))["note"]
    review = workflow.review_return(review=_review(review_id), user=request.user, note=note)
    return ReviewOut.of(_review(review.pk))


@api.post(
    "/reviews/{int:review_id}/withdraw",
    tags=["Reviews"],
    response={200: ReviewOut, 409: Error, **ERRORS},
    summary="Withdraw your proposal",
)
def review_withdraw(request, review_id: int):
    review = workflow.review_withdraw(review=_review(review_id), user=request.user)
    return ReviewOut.of(_review(review.pk))


# --- Intake --------------------------------------------------------------------------------------------


@api.post(
    "/intake/extract",
    tags=["Intake"],
    response={200: IntakeOut, **ERRORS},
    summary="Find the claims in a story",
    description=(
        "The candidate claims of a wire story, as the intake page proposes them: each with its claimant (on the "
        "desk, or new), the day it was claimed (the story's own dates read from `published`), the quote, and "
        "likely duplicates already on the desk; and the statements it credits to nobody. Nothing is written."
    ),
)
def intake_extract(request, body: IntakeIn):
    workflow.ensure_allowed(request.user, "log_claim")
    if not body.text.strip():
        raise workflow.Invalid("Send the story's text.", field="text")
    # The page's form checks the text and the date, so the API refuses them with the page's sentences.
    story = StoryForm({"text": body.text, "published": body.published.isoformat(), "dateline": body.dateline})
    cleaned = _checked(story)
    try:
        found = intake_extraction.extract(cleaned["text"], cleaned["published"], dateline=cleaned["dateline"])
    except intake_extraction.Unreadable as problem:
        raise workflow.Invalid(str(problem), field="text") from problem
    return IntakeOut.of(found)


# --- Claimants, sources, reports -----------------------------------------------------------------------


@api.get(
    "/claimants",
    tags=["Claimants"],
    response={200: ClaimantPage, **ERRORS},
    summary="Claimants, with their track records",
)
def claimant_list(
    request, cursor: str = Query("", description="From next_cursor."), limit: int = Query(PAGE_SIZE, ge=1, le=200)
):
    page = keyset_page(Claimant.objects.all(), ("name", "id"), cursor, limit)
    rows = Claimant.objects.with_track_record().select_related("affiliation").in_bulk([c.pk for c in page.items])
    return {"claimants": [ClaimantOut.of(rows[c.pk]) for c in page.items], "next_cursor": page.next_cursor or None}


@api.get(
    "/claimants/{int:claimant_id}", tags=["Claimants"], response={200: ClaimantOut, **ERRORS}, summary="One claimant"
)
def claimant_detail(request, claimant_id: int):
    queryset = Claimant.objects.with_track_record().select_related("affiliation")
    return ClaimantOut.of(get_object_or_404(queryset, pk=claimant_id))


@api.get("/sources", tags=["Sources"], response={200: SourcePage, **ERRORS}, summary="Sources, newest first")
def source_list(
    request, cursor: str = Query("", description="From next_cursor."), limit: int = Query(PAGE_SIZE, ge=1, le=200)
):
    page = keyset_page(Source.objects.all(), ("-added_at", "-id"), cursor, limit)
    rows = Source.objects.select_related("outlet__affiliation").in_bulk([s.pk for s in page.items])
    return {"sources": [SourceOut.of(rows[s.pk]) for s in page.items], "next_cursor": page.next_cursor or None}


@api.get("/sources/{int:source_id}", tags=["Sources"], response={200: SourceOut, **ERRORS}, summary="One source")
def source_detail(request, source_id: int):
    return SourceOut.of(get_object_or_404(Source.objects.select_related("outlet__affiliation"), pk=source_id))


@api.get(
    "/reports/weekly/{week}",
    tags=["Reports"],
    response={200: dict, 409: Error, **ERRORS},
    summary="A weekly report, as its JSON document",
    description="The same document as the report's .json file (docs/report-format.md). `week` is like 2024-W20.",
)
def weekly_report(request, week: str):
    try:
        report = reports.WeeklyReport(reports.IsoWeek.parse(week))
    except ValueError as problem:
        raise Http404(str(problem)) from problem
    if report.count_verdicts() > settings.REPORT_INLINE_LIMIT:
        page = settings.SITE_URL + f"/reports/weekly/{report.week}/#report-files"
        return Answer(
            409,
            {
                "error": "busy week",
                "detail": f"Week {report.week} is too busy to write out while you wait; prepare its file at {page}.",
            },
        )
    return HttpResponse(reports.json_document(report, settings.SITE_URL), content_type="application/json")
