"""What keeps pages fast at a million claims: exact status counts kept by triggers, capped counts under
filters, ranking only the newest matches of a search, and annotating only the rows shown."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count
from django.urls import reverse

from claims import workflow
from claims.filters import ClaimFilter
from claims.models import Claim, Status, StatusCount, Tag
from claims.views import claims as claim_views
from claims.views import dashboard as dashboard_views
from claims.views import review as review_views
from tests.factories import ClaimantFactory, ClaimFactory, EvidenceFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def counted() -> dict[str, int]:
    return dict(Claim.objects.order_by().values_list("status").annotate(n=Count("id")))


def kept() -> dict[str, int]:
    return {status: n for status, n in StatusCount.by_status().items() if n}


def test_status_counts_follow_every_kind_of_write(editor, fact_checker):
    claims = ClaimFactory.create_batch(5)
    assert kept() == counted() == {Status.UNVERIFIED: 5}

    EvidenceFactory(claim=claims[0])
    review = ReviewFactory(claim=claims[0], proposed_by=fact_checker, proposed_status=Status.CORROBORATED)
    workflow.review_approve(review=review, user=editor)
    assert kept() == counted() == {Status.UNVERIFIED: 4, Status.CORROBORATED: 1}

    Claim.objects.filter(pk__in=[c.pk for c in claims[1:3]]).update(status=Status.FALSE)  # bulk
    with connection.cursor() as cursor:
        cursor.execute("UPDATE claims_claim SET status = 'disputed' WHERE id = %s", [claims[3].pk])  # raw SQL
        cursor.execute("UPDATE claims_claim SET priority = 2")  # no status change: no count change
    assert kept() == counted() == {Status.CORROBORATED: 1, Status.FALSE: 2, Status.DISPUTED: 1, Status.UNVERIFIED: 1}

    claims[4].delete()
    assert kept() == counted()


@pytest.mark.django_db(transaction=True)
def test_status_counts_are_cleared_with_the_claims():
    ClaimFactory.create_batch(2)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE claims_claim CASCADE")
    assert kept() == counted() == {}


def test_the_unfiltered_list_and_the_dashboard_read_the_kept_counts(fact_checker_client):
    ClaimFactory.create_batch(3)
    StatusCount.objects.filter(status=Status.UNVERIFIED).update(claims=1_234_567)  # as if a big desk
    assert "1,234,567 claims" in fact_checker_client.get(reverse("claims:list")).content.decode()
    assert "1,234,567" in fact_checker_client.get(reverse("claims:dashboard")).content.decode()


def test_a_broad_filter_stops_counting_at_the_cap_and_says_so(fact_checker_client, monkeypatch):
    monkeypatch.setattr(claim_views, "COUNT_CAP", 4)
    ministry = ClaimantFactory(name="Ministry of Defence")
    ClaimFactory.create_batch(5, claimant=ministry)
    ClaimFactory.create_batch(2)

    response = fact_checker_client.get(reverse("claims:list"), {"claimant": "Ministry of Defence"})
    assert "More than 4 claims (not counted further" in response.content.decode()
    assert len(response.context["claims"]) == 5  # every row is still listed

    few = fact_checker_client.get(reverse("claims:list"), {"claimant": "Ministry of Defence", "priority": "2"})
    assert "More than" not in few.content.decode()


def test_a_search_ranks_only_the_newest_matches_and_says_so(fact_checker_client, monkeypatch):
    monkeypatch.setattr(claim_views, "SEARCH_CANDIDATES", 3)
    older = [ClaimFactory(text=f"Drones shot down over Kursk, report {i}") for i in range(3)]
    newer = [ClaimFactory(text=f"Drones shot down over Belgorod, report {i}") for i in range(3)]

    response = fact_checker_client.get(reverse("claims:list"), {"q": "drones"})
    shown = [claim.pk for claim in response.context["claims"]]
    assert sorted(shown) == sorted(claim.pk for claim in newer)
    assert not set(shown) & {claim.pk for claim in older}
    assert "best match first among the newest 3" in response.content.decode()


def test_dashboard_and_claimant_page_annotate_only_the_rows_they_show(editor_client, editor):
    ministry = ClaimantFactory()
    for claim in ClaimFactory.create_batch(12, claimant=ministry, assignee=editor):
        EvidenceFactory.create_batch(2, claim=claim)
    dashboard = editor_client.get(reverse("claims:dashboard"))
    assert len(dashboard.context["my_claims"]) == dashboard_views.DASHBOARD_ROWS
    assert all(claim.corroborating_count == 2 for claim in dashboard.context["my_claims"])
    claimant = editor_client.get(reverse("claims:claimant", args=[ministry.pk]))
    assert [claim.corroborating_count for claim in claimant.context["claims"]] == [2] * 12


def test_sessions_plan_for_many_small_queries():
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone() == ("0",)
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)


def test_tag_and_status_filters_need_no_distinct():
    Tag.objects.create(name="drones")
    filters = ClaimFilter({"tag": "drones", "status": ["confirmed", "false"]}, queryset=Claim.objects.all())
    assert filters.is_valid()
    assert not filters.qs.query.distinct


def test_the_queue_shows_a_page_at_a_time_most_urgent_first(editor_client, fact_checker, monkeypatch):
    monkeypatch.setattr(review_views, "QUEUE_LIMIT", 2)
    reviews = [ReviewFactory(proposed_by=fact_checker, proposed_status=Status.DISPUTED) for _ in range(5)]

    first = editor_client.get(reverse("claims:queue"))
    assert [row.pk for row in first.context["rows"]] == [review.pk for review in reviews[:2]]
    assert "3 more after these" in first.content.decode()

    last = editor_client.get(reverse("claims:queue"), {"page": 3})
    assert [row.pk for row in last.context["rows"]] == [reviews[4].pk]
    page = last.content.decode()
    assert "more after these" not in page and "« More urgent" in page
    assert "5 proposals waiting" in page
