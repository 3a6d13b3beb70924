"""The bare page, served at /bench/bare/ with BENCHMARK=1 only (newsdesk/urls.py).

It is the floor of this stack, what bench/scale.py compares the claims list with: one query, a 50-row
template, no login, no filters.
"""

from __future__ import annotations

from django.shortcuts import render

from claims.models import Claim

BARE_ROWS = 50


def bare_list(request):
    claims = Claim.objects.only("id", "text", "status", "created_at").order_by("-id")[:BARE_ROWS]
    return render(request, "bench/bare_list.html", {"claims": claims})
