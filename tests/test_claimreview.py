"""ClaimReview output, checked against schema.org's vocabulary for the types the desk writes
(tests/data/schema_org.json, extracted from the published vocabulary by tests/data/extract_schema_org.py)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from claims import workflow
from claims.models import Review, Status
from tests.factories import ClaimFactory, EvidenceFactory, ReviewFactory

pytestmark = pytest.mark.django_db

VOCABULARY = Path(__file__).parent / "data" / "schema_org.json"
KYIV = ZoneInfo("Europe/Kyiv")


@pytest.fixture
def decide(fact_checker, editor):
    """Log a claim with evidence both ways, and have the fact-checker's proposal approved by the editor."""

    def decide(text: str, status=Status.CORROBORATED, origin_url="https://mil.ru/news/1", when=None):
        when = when or dt.datetime(2024, 5, 15, 12, tzinfo=KYIV)
        claim = ClaimFactory(
            text=text,
            origin_url=origin_url,
            created_at=when,
            updated_at=when,
            claimant__name="Russian Ministry of Defence",
            claimant__kind="government_body",
        )
        EvidenceFactory(claim=claim)
        EvidenceFactory(claim=claim, stance="contradicts")
        review = ReviewFactory(claim=claim, proposed_by=fact_checker, proposed_status=status)
        workflow.review_approve(review=review, user=editor)
        Review.objects.filter(pk=review.pk).update(decided_at=when + dt.timedelta(hours=2))
        return claim

    return decide


def embedded(page: str) -> dict:
    start = page.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    return json.loads(page[start : page.index("</script>", start)])


def walk(node):
    """Every (type, property) pair in a JSON-LD tree."""
    if isinstance(node, list):
        for item in node:
            yield from walk(item)
    elif isinstance(node, dict):
        kind = node.get("@type")
        for key, value in node.items():
            if not key.startswith("@"):
                yield kind, key
            yield from walk(value)


@pytest.fixture(scope="module")
def schema():
    """(class → superclasses, property → the classes it belongs to). A type the output gains that is not
    in the file fails the test: add it to WRITTEN_TYPES in the extractor and run it again."""
    vocabulary = json.loads(VOCABULARY.read_text())
    return vocabulary["classes"], vocabulary["properties"]


def ancestors(kind: str, classes: dict) -> set[str]:
    seen, todo = set(), [kind]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo += classes.get(current, [])
    return seen


def test_every_type_and_property_exists_in_schema_org_with_the_right_domain(settings, editor_client, decide, schema):
    settings.TIME_ZONE = "Europe/Kyiv"
    classes, properties = schema
    decide("Ten ATACMS missiles were shot down over Crimea")
    reviews = json.loads(editor_client.get("/reports/weekly/2024-W20.jsonld").content)
    assert len(reviews) == 1
    pairs = set(walk(reviews))
    assert ("Rating", "ratingValue") in pairs and ("Claim", "firstAppearance") in pairs
    for kind, prop in pairs:
        assert f"schema:{kind}" in classes, kind
        domains = set(properties.get(f"schema:{prop}", ["missing"]))
        assert domains & ancestors(f"schema:{kind}", classes), f"{prop} is not a property of {kind}"


def test_the_rating_maps_the_status_scale(settings, editor_client, decide):
    settings.TIME_ZONE = "Europe/Kyiv"
    decide("A misleading claim", status=Status.MISLEADING)
    review = json.loads(editor_client.get("/reports/weekly/2024-W20.jsonld").content)[0]
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Misleading",
    }
    assert review["itemReviewed"]["author"] == {"@type": "Organization", "name": "Russian Ministry of Defence"}
    assert (
        review["datePublished"] == "2024-05-15"
        and review["itemReviewed"]["appearance"]["url"] == "https://mil.ru/news/1"
    )


def test_a_decided_claim_page_embeds_its_claimreview_and_an_undecided_one_does_not(fact_checker_client, decide):
    claim = decide("Robotyne was taken </script><script>alert(1)</script>")
    page = fact_checker_client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    data = embedded(page)
    assert data["@type"] == "ClaimReview" and data["claimReviewed"].startswith("Robotyne was taken </script>")
    assert "<script>alert(1)</script>" not in page
    undecided = ClaimFactory()
    assert (
        "application/ld+json"
        not in fact_checker_client.get(reverse("claims:detail", args=[undecided.pk])).content.decode()
    )


def test_unverifiable_carries_its_word_but_no_number(settings, editor_client, decide):
    settings.TIME_ZONE = "Europe/Kyiv"
    decide("Only the ministry says so", status=Status.UNVERIFIABLE)
    rating = json.loads(editor_client.get("/reports/weekly/2024-W20.jsonld").content)[0]["reviewRating"]
    assert rating == {"@type": "Rating", "alternateName": "Unverifiable"}


def test_a_correction_keeps_the_first_date_and_adds_date_modified(
    fact_checker_client, decide, second_fact_checker, second_editor
):
    claim = decide("Corrected later")
    second = ReviewFactory(
        claim=claim,
        previous_status=Status.CORROBORATED,
        proposed_status=Status.DISPUTED,
        proposed_by=second_fact_checker,
    )
    workflow.review_approve(review=second, user=second_editor)
    Review.objects.filter(pk=second.pk).update(decided_at=dt.datetime(2024, 5, 22, 9, tzinfo=KYIV))
    data = embedded(fact_checker_client.get(reverse("claims:detail", args=[claim.pk])).content.decode())
    assert (data["datePublished"], data["dateModified"]) == ("2024-05-15", "2024-05-22")
    assert data["reviewRating"]["alternateName"] == "Disputed"
