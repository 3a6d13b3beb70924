"""Regression tests for the bugs the hostile-input battery found, one focused test (or two) each."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from claims.models import Evidence, Source
from tests.factories import ClaimFactory, OutletFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["https://[example.org/a", "https://evil.example／reuters.com/a", "https://a＠b.org/"])
def test_addresses_the_url_parser_rejects_are_a_form_error_not_a_500(checker_client, url):
    claim = ClaimFactory()
    response = checker_client.post(
        reverse("claims:evidence_add", args=[claim.pk]), {"url": url, "kind": "article", "stance": "context"}
    )
    assert response.status_code == 422 and "This is not a web address" in response.content.decode()
    assert not Evidence.objects.exists()


def test_an_imported_review_with_such_an_address_is_rejected_alone(editor_client):
    review = {
        "@type": "ClaimReview",
        "claimReviewed": "Ten missiles were shot down.",
        "url": "https://[factcheck.example/1",
        "itemReviewed": {"author": {"name": "A spokesman"}},
    }
    upload = SimpleUploadedFile("review.json", json.dumps(review).encode(), content_type="application/json")
    response = editor_client.post(reverse("claims:import"), {"file": upload})
    assert response.status_code == 200 and "0 created, 0 skipped, 1 rejected" in response.content.decode()
    assert not Source.objects.exists()


@pytest.mark.parametrize("host", ["taß.ru", "TAẞ.ru", "taς.ru", "ta\u200dss.ru"])
def test_a_host_python_and_browsers_read_differently_is_refused(checker_client, host):
    """Python's IDNA 2003 reads taß.ru as tass.ru; a browser visits xn--ta-jia.ru, someone else's site."""
    OutletFactory(domain="tass.ru", name="TASS")
    claim = ClaimFactory()
    response = checker_client.post(
        reverse("claims:evidence_add", args=[claim.pk]),
        {"url": f"https://{host}/politics/1", "kind": "article", "stance": "corroborates"},
    )
    assert response.status_code == 422 and "which browsers read as another site" in response.content.decode()
    assert not Source.objects.filter(outlet__domain="tass.ru").exists()


def test_the_same_host_in_its_ascii_form_is_another_outlet(checker_client):
    tass = OutletFactory(domain="tass.ru", name="TASS")
    claim = ClaimFactory()
    response = checker_client.post(
        reverse("claims:evidence_add", args=[claim.pk]),
        {"url": "https://xn--ta-jia.ru/politics/1", "kind": "article", "stance": "corroborates"},
    )
    assert response.status_code == 302
    source = Source.objects.get(url="https://xn--ta-jia.ru/politics/1")
    assert source.outlet != tass and source.outlet.domain == "xn--ta-jia.ru" and source.outlet.affiliation is None
