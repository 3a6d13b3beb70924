"""Server-Timing for the benchmark harness (bench/scale.py, bench/captures.py), switched on by BENCHMARK=1 only.

ServerTimingMiddleware adds a Server-Timing header to every response: the time the app spent on the
request and the number of SQL queries and their time, so the harness reads server time and query
counts from outside the process, through gunicorn, like any client.
"""

from __future__ import annotations

import time

from django.db import connection


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = {"count": 0, "seconds": 0.0}

        def count(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries["count"] += 1
                queries["seconds"] += time.perf_counter() - started

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        total = (time.perf_counter() - started) * 1000
        # A streamed response (the CSV exports) keeps working after this point; the harness times
        # those by the last byte instead.
        response["Server-Timing"] = (
            f'app;dur={total:.2f}, db;dur={queries["seconds"] * 1000:.2f};desc="{queries["count"]} queries"'
        )
        return response
