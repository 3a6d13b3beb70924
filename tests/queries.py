from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def assert_query_count_stays_flat(client, url: str, add_rows: Callable[[], object]) -> None:
    """The page costs the same number of queries before and after `add_rows` (docs/architecture.md)."""
    few = query_count(client, url)
    add_rows()
    many = query_count(client, url)
    assert many == few, f"{url}: {few} queries with few rows, {many} with many"
