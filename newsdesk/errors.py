"""The 403 page: the desk's own refusals are shown as written; anything else gets a general sentence."""

from __future__ import annotations

from django.shortcuts import render

from claims.roles import DeskRefusal


def permission_denied(request, exception=None):
    refusal = str(exception) if isinstance(exception, DeskRefusal) else ""
    return render(request, "403.html", {"desk_refusal": refusal}, status=403)
