"""The full audit history of a claim or a source, for editors."""

from __future__ import annotations

from django.http import (
    HttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from claims import audit
from claims.models import (
    Claim,
    Source,
)
from claims.roles import EDITOR_PERMISSION, desk_member_required, require
from claims.views.common import DeskRequest


@require_GET
@desk_member_required
def audit_history(request: DeskRequest, kind: str, pk: int) -> HttpResponse:
    """Every recorded write to a claim or a source and the rows that hang off it, for editors."""
    require(request.user, EDITOR_PERMISSION, "Only editors read the full audit history.")
    obj = get_object_or_404(Claim if kind == "claim" else Source, pk=pk)
    page, entries = audit.audit_page(obj, request.GET.get("page"))
    return render(request, "claims/audit_history.html", {"obj": obj, "kind": kind, "page": page, "entries": entries})
