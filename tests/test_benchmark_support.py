"""The benchmark switches (BENCHMARK=1): off in normal running, and honest when on."""

from __future__ import annotations

import re

import pytest
from django.http import HttpResponse

from bench.middleware import ServerTimingMiddleware
from bench.views import BARE_ROWS, bare_list
from claims.models import Claim
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def test_the_bare_page_is_not_served_unless_benchmarking(client):
    assert client.get("/bench/bare/").status_code == 404


def test_the_bare_page_renders_fifty_rows_from_one_query(rf, django_assert_num_queries):
    ClaimFactory.create_batch(BARE_ROWS + 5)
    with django_assert_num_queries(1):
        response = bare_list(rf.get("/bench/bare/"))
    assert response.content.decode().count("<tr><td>") == BARE_ROWS


def test_server_timing_reports_the_apps_time_and_its_queries(rf):
    def view(request):
        list(Claim.objects.all())
        list(Claim.objects.filter(status="confirmed"))
        return HttpResponse("ok")

    header = ServerTimingMiddleware(view)(rf.get("/"))["Server-Timing"]
    match = re.fullmatch(r'app;dur=([\d.]+), db;dur=([\d.]+);desc="(\d+) queries"', header)
    assert match, header
    app, db, count = float(match[1]), float(match[2]), int(match[3])
    assert count == 2
    assert 0 < db <= app
