"""What every area's views share: the htmx request type, "page or fragment", query strings and page
numbers, refusals beside a form's field, and the safe `next` path."""

from __future__ import annotations

import base64
from typing import IO

from django import forms
from django.contrib.auth.models import User
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails

from claims import workflow
from claims.roles import desk_members, is_editor

# A path to return to is a page of the desk: longer ones are not followed (a Location header of tens
# of kilobytes is refused by proxies after the write was made).
MAX_NEXT_LENGTH = 1000
# Search results are paged by number up to here; keyset cursors page the plain list.
MAX_SEARCH_PAGE = 100


class DeskRequest(HttpRequest):
    """A request that claims.roles.desk_member_required let through: a signed-in desk member, with
    htmx's details (django-htmx). Views type their request with it, so the workflow gets a User."""

    htmx: HtmxDetails
    user: User


def wants_fragment(request: DeskRequest) -> bool:
    """An htmx swap gets the fragment; a history restore (Back after the cache is gone) the page."""
    return bool(request.htmx) and not request.htmx.history_restore_request and not request.htmx.boosted


def render_page(request: DeskRequest, page: str, context: dict, *, fragment: str, status: int = 200) -> HttpResponse:
    """The one way a view answers "the page, or for an htmx swap only part of it": `page` for a browser;
    `fragment` (a `#partial` of the page, or a template of its own) when htmx swaps it in place."""
    fragment_template = page + fragment if fragment.startswith("#") else fragment
    return render(request, fragment_template if wants_fragment(request) else page, context, status=status)


def query_with(request: DeskRequest, **changes: object) -> str:
    """The current query string with some parameters replaced (or removed, with None)."""
    query = request.GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = str(value)
    return query.urlencode()


def int_or_none(raw: str | None) -> int | None:
    try:
        return int(raw or "")
    except ValueError:
        return None


def page_number(raw: str | None) -> int:
    try:
        return min(max(int(raw or 1), 1), MAX_SEARCH_PAGE)
    except ValueError:
        return 1


def refusal_on_form(form: forms.BaseForm, refusal: workflow.Refusal) -> int:
    """Say a workflow refusal beside the field it names (or above the form); the status to answer with."""
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, str(refusal))
    return refusal.status_code


def next_path(request: DeskRequest, default: str) -> str:
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


def assignable(user: User, members: list[User] | None = None) -> list[User]:
    """Whom an editor can give claims to (nobody else needs the list); `members` when already read."""
    if not is_editor(user):
        return []
    return list(desk_members()) if members is None else members


class Echo:
    """A file-like object for csv.writer that hands each formatted line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def stored_file_response(
    handle: IO[bytes], *, sha256: str, filename: str, content_type: str, as_attachment: bool = True
) -> FileResponse:
    """A file the desk stored and hashed (a capture's artifact, a prepared report file), sent with the
    SHA-256 recorded when it was written, so whoever downloads it can check the bytes: X-Content-SHA256,
    and Repr-Digest (RFC 9530). Private to the person, never cached or sniffed."""
    response = FileResponse(handle, content_type=content_type, as_attachment=as_attachment, filename=filename)
    response["X-Content-SHA256"] = sha256
    response["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(sha256)).decode()}:"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
