"""The API's browsable docs work under the desk's strict Content-Security-Policy: Swagger UI's files come
from the desk's own static files, and no inline script or style is refused (the autouse fixture in
conftest.py fails the test on any CSP report)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from api.api import api

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_lists_every_operation(page, live_server):
    page.goto(f"{live_server.url}/api/v1/docs")
    operations = sum(len(methods) for methods in api.get_openapi_schema()["paths"].values())
    expect(page.locator(".opblock")).to_have_count(operations)
    expect(page.get_by_text("/api/v1/claims/{claim_id}/reviews")).to_be_visible()
