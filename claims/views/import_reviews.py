"""Importing other fact-checkers' ClaimReview files."""

from __future__ import annotations

from django.http import (
    HttpResponse,
)
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from claims import imports, workflow
from claims.roles import desk_member_required
from claims.views.common import DeskRequest

MAX_IMPORT_BYTES = 5 * 1024 * 1024


@require_http_methods(["GET", "POST"])
@desk_member_required
def claimreview_import(request: DeskRequest) -> HttpResponse:
    """Editors upload ClaimReview JSON-LD from other fact-checkers; the page lists what happened."""
    workflow.ensure_allowed(request.user, "import")
    context: dict[str, object] = {}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"], status = "Choose a JSON-LD file to import.", 422
        elif (upload.size or 0) > MAX_IMPORT_BYTES:
            context["error"], status = "That file is larger than 5 MB; split it.", 422
        else:
            text = upload.read().decode("utf-8-sig", errors="replace")  # -sig: files saved with a BOM
            context["report"] = imports.import_document(text, name=upload.name or "upload", user=request.user)
    return render(request, "claims/import.html", context, status=status)
