from __future__ import annotations

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from claims.links import InvalidURL, domain_of, normalize_url
from claims.models import (
    Claim,
    ClaimEvent,
    Decision,
    Evidence,
    Review,
    Source,
    Stance,
    Status,
    independent_corroboration,
)
from tests.factories import (
    AffiliationFactory,
    ClaimantFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    ReviewFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("HTTPS://Www.Reuters.COM:443/world/a?utm_source=x&id=7#top", "https://www.reuters.com/world/a?id=7"),
        ("http://tass.ru:80", "http://tass.ru/"),
        ("https://example.org:8443/p?fbclid=1&gclid=2", "https://example.org:8443/p"),
        ("  https://user:secret@example.org/a  ", "https://example.org/a"),
        ("https://приклад.укр/новини", "https://xn--80aikifvh.xn--j1amh/%D0%BD%D0%BE%D0%B2%D0%B8%D0%BD%D0%B8"),
        (
            "https://xn--80aikifvh.xn--j1amh/%d0%bd%d0%be%d0%b2%d0%b8%d0%bd%d0%b8",
            "https://xn--80aikifvh.xn--j1amh/%D0%BD%D0%BE%D0%B2%D0%B8%D0%BD%D0%B8",
        ),
        ("https://example.org/a%2fb", "https://example.org/a%2Fb"),
    ],
)
def test_urls_are_normalised(given, canonical):
    assert normalize_url(given) == canonical


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
        "ftp://x.org/a",
        "https://",
        "x",
        "http://[::1]/",
    ],
)
def test_only_http_and_https_urls_are_accepted(url):
    with pytest.raises(InvalidURL):
        normalize_url(url)


def test_outlet_domain_drops_www():
    assert domain_of("https://WWW.bbc.com/news") == "bbc.com"


def test_source_url_is_stored_normalised():
    source = SourceFactory(url="HTTPS://Reuters.com/a?utm_medium=social#x")
    source.refresh_from_db()
    assert source.url == "https://reuters.com/a"


def test_duplicate_source_url_after_normalisation_is_rejected():
    SourceFactory(url="https://reuters.com/a")
    with pytest.raises(IntegrityError):
        SourceFactory(url="HTTPS://REUTERS.com:443/a?utm_campaign=w20#comments")


def test_bulk_updates_and_lookups_use_the_canonical_url_too():
    source = SourceFactory(url="https://reuters.com/a")
    Source.objects.filter(pk=source.pk).update(url="HTTPS://Reuters.com:443/a?utm_source=x#top")
    assert Source.objects.get(url="https://REUTERS.com/a#comments") == source


@pytest.mark.parametrize(
    "spelling",
    [
        "https://Reuters.com/a",
        "https://reuters.com/a#top",
        "https://reuters.com/a?utm_source=x",
        "https://reuters.com:443/a",
        "https://reuters.com",
        "javascript:alert(1)",
    ],
)
def test_database_refuses_non_canonical_source_urls_from_raw_sql(spelling):
    source = SourceFactory(url="https://reuters.com/a")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE claims_source SET url = %s WHERE id = %s", [spelling, source.pk])


def test_source_outlet_is_recognised_from_the_domain_or_a_parent_domain():
    reuters = OutletFactory(domain="reuters.com")
    assert SourceFactory(url="https://www.reuters.com/world/a", outlet=None).outlet == reuters
    assert SourceFactory(url="https://graphics.reuters.com/b", outlet=None).outlet == reuters
    assert SourceFactory(url="https://unknown.example.net/c", outlet=None).outlet is None


def test_source_cannot_claim_an_outlet_from_another_domain():
    source = SourceFactory.build(url="https://reuters.com/a", outlet=OutletFactory(domain="tass.ru", name="TASS"))
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert "TASS publishes at tass.ru" in str(error.value.message_dict["outlet"])


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example.org/a", "https://exa mple.org/"])
def test_source_validation_reports_a_bad_url_beside_the_field(url):
    with pytest.raises(ValidationError) as error:
        Source(url=url, title="x").full_clean()
    assert list(error.value.message_dict) == ["url"]


def test_source_with_javascript_url_is_refused_before_the_database():
    with pytest.raises(InvalidURL), transaction.atomic():
        SourceFactory(url="javascript:alert(document.cookie)")
    assert not Source.objects.exists()


@pytest.mark.parametrize("field", ["origin_url"])
def test_database_refuses_javascript_url_even_from_a_bulk_update(field):
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(**{field: "javascript:alert(1)"})


def test_model_validation_rejects_non_web_urls():
    claim = ClaimFactory.build(claimant=ClaimantFactory(), origin_url="ftp://files.example.org/a")
    with pytest.raises(ValidationError) as error:
        claim.full_clean()
    assert "origin_url" in error.value.message_dict


def test_status_outside_the_scale_is_rejected():
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status="probably")


def test_stance_outside_the_choices_is_rejected():
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFactory(stance="supports")


def test_one_evidence_link_per_claim_and_source():
    evidence = EvidenceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(claim=evidence.claim, source=evidence.source, stance=Stance.CONTEXT)


def test_second_pending_review_for_a_claim_is_rejected():
    review = ReviewFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(claim=review.claim, proposed_by=review.proposed_by)
    assert Review.objects.filter(claim=review.claim).count() == 1


def test_a_new_proposal_is_allowed_once_the_previous_one_is_decided():
    review = ReviewFactory()
    Review.objects.filter(pk=review.pk).update(
        decision=Decision.RETURNED, decided_by=review.proposed_by, decided_at=review.proposed_at
    )
    ReviewFactory(claim=review.claim, proposed_by=review.proposed_by)
    assert review.claim.reviews.count() == 2


def test_decided_review_must_say_who_decided():
    review = ReviewFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(decision=Decision.APPROVED)


def test_search_vector_covers_text_quote_and_claimant_and_follows_a_rename():
    claim = ClaimFactory(text="Troops captured Robotyne", quote="повністю звільнено", claimant__name="Defence Ministry")

    def found(words: str, config: str = "simple") -> bool:
        return Claim.objects.filter(search_vector=SearchQuery(words, config=config)).exists()

    assert found("capture", config="english")  # English stemming
    assert found("звільнено")  # Cyrillic, as typed
    assert found("ministry")
    claim.claimant.name = "Dnepr army group"
    claim.claimant.save()
    assert found("dnepr")
    assert not found("ministry")


def test_audit_history_records_an_update():
    claim = ClaimFactory(text="Ten missiles shot down")
    claim.text = "Ten ATACMS missiles shot down over Crimea"
    claim.save()
    events = ClaimEvent.objects.filter(pgh_obj=claim).order_by("pgh_id")
    assert [event.pgh_label for event in events] == ["insert", "update"]
    assert events.last().text == "Ten ATACMS missiles shot down over Crimea"


def test_audit_history_records_bulk_updates_too():
    claims = ClaimFactory.create_batch(3)
    Claim.objects.filter(pk__in=[claim.pk for claim in claims]).update(priority=3)
    assert ClaimEvent.objects.filter(pgh_label="update", priority=3).count() == 3


def _summary(claim):
    return Claim.objects.with_evidence_summary().get(pk=claim.pk)


def test_independence_counts_outlets_not_articles():
    claim = ClaimFactory()
    outlet = OutletFactory()
    EvidenceFactory(claim=claim, source=SourceFactory(outlet=outlet))
    EvidenceFactory(claim=claim, source=SourceFactory(outlet=outlet))
    summary = _summary(claim)
    assert (summary.corroborating_count, summary.independent_count) == (2, 1)


def test_relays_same_side_and_unknown_affiliations_are_not_independent():
    claim = ClaimFactory()
    EvidenceFactory(claim=claim, repeats_claimant=True)
    EvidenceFactory(claim=claim, source=SourceFactory(outlet=OutletFactory(affiliation=claim.claimant.affiliation)))
    EvidenceFactory(claim=claim, source=SourceFactory(outlet=OutletFactory(affiliation=None)))
    EvidenceFactory(claim=claim, stance=Stance.CONTRADICTS)
    summary = _summary(claim)
    assert (summary.corroborating_count, summary.independent_count, summary.contradicting_count) == (3, 0, 1)
    assert [item.is_independent for item in claim.evidence.all()] == [False, False, False, False]


def test_nothing_is_independent_of_a_claimant_with_unknown_affiliation():
    claim = ClaimFactory(claimant__affiliation=None)
    EvidenceFactory(claim=claim, source=SourceFactory(outlet=OutletFactory(affiliation=AffiliationFactory())))
    assert _summary(claim).independent_count == 0


def test_default_status_is_unverified():
    assert ClaimFactory().status == Status.UNVERIFIED


def test_sql_and_python_agree_on_which_evidence_is_independent():
    claim = ClaimFactory()
    independent = EvidenceFactory(claim=claim)
    EvidenceFactory(claim=claim, repeats_claimant=True)
    EvidenceFactory(claim=claim, source=SourceFactory(outlet=OutletFactory(affiliation=claim.claimant.affiliation)))
    EvidenceFactory(claim=claim, stance=Stance.CONTEXT)
    in_sql = set(Evidence.objects.filter(independent_corroboration()).values_list("pk", flat=True))
    in_python = {item.pk for item in claim.evidence.all() if item.is_independent}
    assert in_sql == in_python == {independent.pk}
