"""manage.py seed_scale: synthetic data at scale that follows the desk's rules and that the app reads
like its own (bench/seeding.py).

The seed loads with COPY and switches the audit triggers off and on inside one transaction, so these
tests commit for real (transaction=True) and seed a small desk each.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.models import Count, F
from django.test import Client
from django.utils import timezone

from bench.seeding import DESK_MODELS, audit_triggers, event_model
from claims import reports
from claims.links import domain_of, normalize_url, parent_domains
from claims.models import (
    Affiliation,
    Claim,
    Claimant,
    ClaimantEvent,
    ClaimEvent,
    Decision,
    Evidence,
    EvidenceEvent,
    Outlet,
    Review,
    ReviewEvent,
    Source,
    Status,
)
from claims.roles import EDITORS, FACT_CHECKERS
from claims.workflow import EvidenceSummary, unmet_gate
from tests.factories import UserFactory, role_group

pytestmark = pytest.mark.django_db(transaction=True)

CLAIMS = 2000
CYRILLIC = re.compile(r"[а-яіїєґ]", re.IGNORECASE)


@pytest.fixture
def roles():
    """The role groups as migration 0002 makes them (a transactional test before us emptied them)."""
    role_group(FACT_CHECKERS)
    role_group(EDITORS)


def seed(*arguments: str, claims: int = CLAIMS) -> dict:
    out = StringIO()
    call_command("seed_scale", "--claims", str(claims), *arguments, stdout=out)
    text = out.getvalue()
    busy = re.search(r"Busy week: (\d{4}-W\d{2}) with ([\d,]+) verdicts", text)
    twenty = re.search(r"Claim with 20 evidence links: (\d+)", text)
    return {
        "output": text,
        "week": reports.IsoWeek.parse(busy[1]),
        "busy_verdicts": int(busy[2].replace(",", "")),
        "twenty": int(twenty[1]),
    }


def sql(statement: str, parameters=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, parameters)
        return cursor.fetchall()


def trigger_states() -> dict[tuple[str, str], str]:
    rows = sql("SELECT tgrelid::regclass::text, tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal")
    return {(table, name): enabled for table, name, enabled in rows}


def schema() -> set[tuple]:
    """Every index and constraint on the desk's tables, as PostgreSQL describes them."""
    tables = [model._meta.db_table for model in DESK_MODELS] + [
        event_model(model)._meta.db_table for model in DESK_MODELS
    ]
    indexes = sql("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [tables])
    constraints = sql(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = ANY(%s::regclass[])", [tables]
    )
    return set(indexes) | set(constraints)


def test_a_small_seed_follows_the_desks_rules(roles):
    structure, before = schema(), timezone.now()
    seeded = seed()
    after = timezone.now()
    assert schema() == structure, "every index and constraint set aside for the load is back"

    claims = list(Claim.objects.order_by("pk"))
    assert len(claims) == CLAIMS
    texts = [claim.text for claim in claims]
    ukrainian = sum(bool(CYRILLIC.search(text)) for text in texts)
    assert 0.2 * CLAIMS < ukrainian < 0.5 * CLAIMS, "claims in both English and Ukrainian"
    assert len(set(texts)) > 0.9 * CLAIMS, "varied wording"
    created = [claim.created_at for claim in claims]
    assert before - dt.timedelta(days=731) < min(created) < before - dt.timedelta(days=600)
    assert max(created) <= after
    assert created == sorted(created), "ids follow the order claims were logged"
    assert {claim.priority for claim in claims} == {0, 1, 2, 3}
    assert 0.1 * CLAIMS < sum(claim.assignee_id is None for claim in claims) < 0.5 * CLAIMS
    assert all(claim.created_at <= claim.updated_at <= after for claim in claims)

    # Evidence: 0-8 links per claim (about 3 on average), but one claim has exactly 20.
    per_claim = Counter(dict(Evidence.objects.values_list("claim").annotate(links=Count("id"))))
    assert per_claim[seeded["twenty"]] == 20
    others = [per_claim[claim.pk] for claim in claims if claim.pk != seeded["twenty"]]
    assert set(others) == set(range(9))
    assert 2.5 < sum(others) / len(others) < 3.6

    # Sources: canonical, unique addresses on their outlet's domain.
    sources = list(Source.objects.select_related("outlet"))
    assert all(normalize_url(source.url) == source.url for source in sources)
    assert len({source.url for source in sources}) == len(sources)
    assert all(source.outlet.domain in parent_domains(domain_of(source.url)) for source in sources)
    assert (
        Outlet.objects.filter(affiliation__isnull=True).exists()
        and Outlet.objects.filter(affiliation__isnull=False).exists()
    )

    # Every status on the scale, and each claim's status is its last approved review's.
    assert {claim.status for claim in claims} == set(Status.values)
    far_future = timezone.now() + dt.timedelta(days=1)
    assert not Claim.objects.annotate(expected=reports.status_at(far_future)).exclude(status=F("expected")).exists()

    # Reviews one after the other, each proposed from the status the claim had then.
    reviews = defaultdict(list)
    for review in Review.objects.order_by("proposed_at", "pk"):
        reviews[review.claim_id].append(review)
    by_pk = {claim.pk: claim for claim in claims}
    for claim_id, history in reviews.items():
        status, last_moment = Status.UNVERIFIED, by_pk[claim_id].created_at
        for review in history:
            assert review.previous_status == status
            assert last_moment <= review.proposed_at
            if review.decision == Decision.PENDING:
                assert review is history[-1], "nothing is proposed while a proposal waits"
                continue
            assert review.proposed_at < review.decided_at <= after
            last_moment = review.decided_at
            if review.decision == Decision.APPROVED:
                status = review.proposed_status
    decisions = Counter(Review.objects.values_list("decision", flat=True))
    assert set(decisions) == set(Decision.values)
    assert 0 < decisions[Decision.PENDING] <= 0.01 * CLAIMS, "a realistic queue"
    assert (
        not Review.objects.filter(decision__in=[Decision.APPROVED, Decision.RETURNED])
        .filter(decided_by=F("proposed_by"))
        .exists()
    )
    assert not Review.objects.filter(decision=Decision.WITHDRAWN).exclude(decided_by=F("proposed_by")).exists()
    assert Review.objects.filter(decision=Decision.APPROVED).exclude(previous_status=Status.UNVERIFIED).exists()

    # Approved verdicts meet their evidence gate, and their snapshot says what the evidence is.
    summaries = {claim.pk: EvidenceSummary.of(claim) for claim in Claim.objects.with_evidence_summary()}
    approved = Review.objects.filter(decision=Decision.APPROVED)
    for review in approved:
        summary = summaries[review.claim_id]
        assert unmet_gate(review.proposed_status, summary, review.rationale) == "", review
        snapshot = review.evidence_snapshot
        assert (snapshot["corroborating"], snapshot["independent"], snapshot["contradicting"], snapshot["context"]) == (
            summary.corroborating,
            summary.independent,
            summary.contradicting,
            summary.context,
        )
        assert len(snapshot["sources"]) == per_claim[review.claim_id]
    assert not Review.objects.exclude(decision=Decision.APPROVED).exclude(evidence_snapshot={}).exists()

    # The busy week holds a tenth of the claims' verdicts.
    week = seeded["week"]
    assert week == reports.IsoWeek.containing(timezone.localdate(before)).previous
    in_week = approved.filter(decided_at__gte=week.start, decided_at__lt=week.end).count()
    assert in_week == seeded["busy_verdicts"]
    assert 0.08 * CLAIMS <= in_week <= 0.12 * CLAIMS

    # The desk's people: fact-checkers and editors in their role groups.
    users = get_user_model().objects
    assert users.filter(groups__name=FACT_CHECKERS, username__startswith="seed-checker-").count() == 50
    assert users.filter(groups__name=EDITORS, username__startswith="seed-editor-").count() == 10
    assert Claimant.objects.count() >= 40 and Affiliation.objects.count() >= 4

    # An audit history as the triggers would have written it, and the triggers on again.
    assert ClaimEvent.objects.filter(pgh_label="insert").count() == CLAIMS
    assert not ClaimEvent.objects.filter(pgh_label="insert").exclude(pgh_created_at=F("created_at")).exists()
    assert not ClaimEvent.objects.filter(pgh_label="insert").exclude(status=Status.UNVERIFIED).exists()
    assert ClaimantEvent.objects.count() == Claimant.objects.count()
    assert EvidenceEvent.objects.count() == Evidence.objects.count()
    assert ReviewEvent.objects.filter(pgh_label="insert").count() == Review.objects.count()
    assert ReviewEvent.objects.filter(pgh_label="update").count() == Review.objects.exclude(decision="pending").count()
    for model in DESK_MODELS:
        assert not model.objects.exclude(pk__in=event_model(model).objects.values("pgh_obj_id")).exists(), model
    states = trigger_states()
    assert all(states[trigger] == "O" for trigger in audit_triggers())

    # The sequences moved on: the app's next claim gets the next id, and is audited.
    claim = Claim.objects.create(
        text="A claim logged after the seed.", claimant=claims[0].claimant, claimed_on=dt.date.today()
    )
    assert claim.pk == claims[-1].pk + 1
    assert claim.events.count() == 1


def test_the_app_reads_the_seeded_desk(roles):
    seeded = seed()

    # Full-text search: vectors were filled by the claim trigger while copying.
    assert not Claim.objects.filter(search_vector__isnull=True).exists()
    found = list(Claim.objects.search("evacuation"))
    assert found and all("evacuat" in claim.text.lower() for claim in found)
    place = Claim.objects.filter(event_place__regex=r"[а-яіїєґ]").values_list("event_place", flat=True).first()
    assert Claim.objects.search(place).filter(event_place=place).exists()

    # The weekly CSV of the busy week lists every claim decided in it, worded as the audit history has it.
    week = seeded["week"]
    rows = list(reports.csv_rows(reports.WeeklyReport(week), site="https://desk.example"))
    header, body = rows[0], rows[1:]
    decided = [row for row in body if row[header.index("decided_at")]]
    decided_ids = set(
        Review.objects.filter(
            decision=Decision.APPROVED, decided_at__gte=week.start, decided_at__lt=week.end
        ).values_list("claim_id", flat=True)
    )
    assert {int(row[0]) for row in decided} == decided_ids
    texts = dict(Claim.objects.filter(pk__in=decided_ids).values_list("pk", "text"))
    assert all(row[1].lstrip("'") == texts[int(row[0])] for row in decided)
    # (Cells come as csv.writer takes them: counts as numbers, text as text.)
    assert all(row[header.index("source_urls")] for row in decided if str(row[header.index("corroborating")]) != "0")

    # The pages answer for a seeded editor.
    client = Client()
    client.force_login(get_user_model().objects.get(username="seed-editor-01"))
    twenty = seeded["twenty"]
    page = client.get(f"/claims/{twenty}/")
    assert page.status_code == 200
    for source_id in Evidence.objects.filter(claim_id=twenty).values_list("source_id", flat=True):
        assert f"/sources/{source_id}/" in page.content.decode()
    queue = client.get("/review/")
    assert queue.status_code == 200
    pending = Review.objects.filter(decision=Decision.PENDING).order_by("proposed_at").first()
    assert f"/claims/{pending.claim_id}/" in queue.content.decode()
    for url in ["/", "/claims/", f"/claims/?q={place}", "/claims/?status=confirmed", f"/claims/{twenty}/history/"]:
        assert client.get(url).status_code == 200, url
    busiest = Claimant.objects.annotate(claims_made=Count("claims")).order_by("-claims_made").first()
    assert client.get(f"/claimants/{busiest.pk}/").status_code == 200


def test_a_desk_with_claims_needs_append_or_reset(roles):
    seed(claims=300)
    claimants, first_last = Claimant.objects.count(), Claim.objects.order_by("pk").last().pk
    someone = UserFactory(username="someone-real")

    with pytest.raises(CommandError, match="--append"):
        seed(claims=100)
    assert Claim.objects.count() == 300

    seed("--append", claims=100)
    assert Claim.objects.count() == 400
    assert Claim.objects.order_by("pk").last().pk == first_last + 100
    assert Claimant.objects.count() == claimants, "the same world: claimants reused by name"
    assert ClaimEvent.objects.filter(pgh_label="insert").count() == 400

    seed("--reset", claims=100)
    assert Claim.objects.count() == 100
    assert Claim.objects.order_by("pk").first().pk == 1
    assert Claimant.objects.order_by("pk").first().pk == 1 and Affiliation.objects.order_by("pk").first().pk == 1
    assert ClaimEvent.objects.filter(pgh_label="insert").count() == 100
    assert get_user_model().objects.filter(pk=someone.pk).exists(), "people stay"


def test_the_same_seed_gives_the_same_desk(roles):
    def digest():
        return (
            list(Claim.objects.order_by("pk").values_list("text", "claimant__name", "status", "priority")),
            list(Evidence.objects.order_by("pk").values_list("claim_id", "source__url", "stance")),
        )

    seed("--seed", "7", claims=300)
    first = digest()
    seed("--reset", "--seed", "7", claims=300)
    assert digest() == first
    seed("--reset", "--seed", "8", claims=300)
    assert digest() != first


def test_an_interrupted_seed_leaves_the_database_as_it_was(roles):
    """Cancel the seed's COPY from another session: everything rolls back, the audit triggers and the
    indexes it set aside included."""
    triggers, structure = trigger_states(), schema()
    failure: list[BaseException] = []

    def run():
        try:
            seed(claims=40_000)
        except BaseException as error:  # handed to the test thread
            failure.append(error)
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 60
    while worker.is_alive() and time.monotonic() < deadline:
        sql(
            "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE 'COPY claims_claim %%'"
        )
        time.sleep(0.05)
    worker.join()

    assert failure and "cancel" in str(failure[0]).lower()
    assert not Claim.objects.exists() and not Source.objects.exists() and not ClaimEvent.objects.exists()
    assert not get_user_model().objects.filter(username__startswith="seed-").exists()
    assert trigger_states() == triggers
    assert schema() == structure
