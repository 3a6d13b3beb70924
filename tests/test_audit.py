"""Audit completeness: every way of writing to the desk leaves audit history rows saying who and where,
and editors can read the whole history of a claim or a source."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from claims.models import (
    Claim,
    Decision,
    Evidence,
    LikelyDuplicate,
    Review,
    SearchWord,
    Source,
    Status,
    StatusCount,
    Tag,
)
from tests.factories import (
    AffiliationFactory,
    ClaimantFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    ReviewFactory,
    claim_form_data,
)
from tests.queries import assert_query_count_stays_flat
from tests.test_claim_page import evidence_data
from tests.test_import import review as claimreview_item

pytestmark = pytest.mark.django_db

TAGS = "air defence, Belgorod"  # a new claim's tags, so logging it writes tag rows too

# StatusCount, LikelyDuplicate and SearchWord are derived from the claims and rebuilt from them; they
# have no history of their own.
TRACKED = [
    model
    for model in apps.get_app_config("claims").get_models()
    if not model.__name__.endswith("Event") and model not in (StatusCount, LikelyDuplicate, SearchWord)
]


def event_models():
    return [model for model in apps.get_app_config("claims").get_models() if model.__name__.endswith("Event")]


def new_events(since: dict) -> list:
    """Event rows written since the `since` snapshot, as (event model name, label, context) tuples."""
    rows = []
    for model in event_models():
        for event in model.objects.filter(pgh_id__gt=since[model]).select_related("pgh_context"):
            context = event.pgh_context.metadata if event.pgh_context else {}
            rows.append((model.__name__, event.pgh_label, context))
    return rows


def snapshot() -> dict:
    return {model: max(model.objects.values_list("pgh_id", flat=True), default=0) for model in event_models()}


def by_user(rows, user, url):
    assert rows, "the write left no audit history"
    for _, _, context in rows:
        assert context.get("user") == user.pk, rows
        assert context.get("url") == url, rows


def test_every_table_of_the_desk_carries_audit_triggers():
    """The triggers are what make bulk updates, raw SQL and the admin audited too: check they are installed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_object_table, event_manipulation FROM information_schema.triggers"
            " WHERE trigger_name LIKE 'pgtrigger_%%' AND trigger_name NOT LIKE '%%search%%'"
        )
        installed = {}
        for table, operation in cursor.fetchall():
            installed.setdefault(table, set()).add(operation)
    for model in TRACKED:
        # Tag links are only ever added and removed, never updated in place.
        expected = {"INSERT", "DELETE"} if model.__name__ == "ClaimTag" else {"INSERT", "UPDATE", "DELETE"}
        assert expected <= installed.get(model._meta.db_table, set()), model.__name__


# --- Forms and htmx actions ----------------------------------------------------------------------------


def test_logging_and_editing_a_claim(fact_checker_client, fact_checker):
    mark = snapshot()
    fact_checker_client.post(reverse("claims:create"), claim_form_data(tag_names=TAGS))
    rows = new_events(mark)
    by_user(rows, fact_checker, reverse("claims:create"))
    assert {("ClaimEvent", "insert"), ("ClaimantEvent", "insert"), ("TagEvent", "insert")} <= {r[:2] for r in rows}

    claim = Claim.objects.get()
    mark = snapshot()
    data = claim_form_data(
        text="Russian air defences shot down 18 drones over Belgorod.", tag_names=TAGS, version=claim.version
    )
    fact_checker_client.post(reverse("claims:edit", args=[claim.pk]), {**data, "tags_seen": TAGS})
    rows = new_events(mark)
    by_user(rows, fact_checker, reverse("claims:edit", args=[claim.pk]))
    assert ("ClaimEvent", "update") in {r[:2] for r in rows}


def test_adding_and_removing_evidence_with_htmx(fact_checker_client, fact_checker):
    claim = ClaimFactory()
    mark = snapshot()
    url = reverse("claims:evidence_add", args=[claim.pk])
    fact_checker_client.post(url, evidence_data(), headers={"HX-Request": "true"})
    rows = new_events(mark)
    by_user(rows, fact_checker, url)
    assert {("SourceEvent", "insert"), ("EvidenceEvent", "insert")} <= {r[:2] for r in rows}

    evidence = Evidence.objects.get()
    mark = snapshot()
    url = reverse("claims:evidence_remove", args=[claim.pk, evidence.pk])
    fact_checker_client.post(url, headers={"HX-Request": "true"})
    rows = new_events(mark)
    by_user(rows, fact_checker, url)
    assert ("EvidenceEvent", "delete") in {r[:2] for r in rows}


def test_proposing_approving_returning_and_withdrawing(fact_checker_client, fact_checker, editor_client, editor):
    claim = ClaimFactory()
    EvidenceFactory(claim=claim)
    mark = snapshot()
    url = reverse("claims:propose", args=[claim.pk])
    fact_checker_client.post(url, {"status": Status.CORROBORATED, "rationale": "Seen by Reuters."})
    by_user(new_events(mark), fact_checker, url)

    review = Review.objects.get()
    for name, client, user, data in [
        ("approve", editor_client, editor, {}),
        ("return", editor_client, editor, {"note": "Need a second outlet."}),
        ("withdraw", fact_checker_client, fact_checker, {}),
    ]:
        if review.decision != Decision.PENDING:
            review = ReviewFactory(claim=ClaimFactory(), proposed_by=fact_checker, proposed_status=Status.DISPUTED)
        mark = snapshot()
        url = reverse(f"claims:{name}", args=[review.pk])
        assert client.post(url, data, headers={"HX-Request": "true"}).status_code == 200, name
        rows = new_events(mark)
        by_user(rows, user, url)
        assert ("ReviewEvent", "update") in {r[:2] for r in rows}, name
        review.refresh_from_db()


def test_bulk_assignment_writes_one_history_row_per_claim(editor_client, editor, fact_checker):
    claims = ClaimFactory.create_batch(3)
    mark = snapshot()
    url = reverse("claims:assign")
    editor_client.post(url, {"claims": [c.pk for c in claims], "assignee": fact_checker.username, "next": "/claims/"})
    rows = new_events(mark)
    by_user(rows, editor, url)
    assert [r[:2] for r in rows].count(("ClaimEvent", "update")) == 3


def test_editors_changes_to_claimants_outlets_and_affiliations(editor_client, editor):
    claimant, outlet, affiliation = ClaimantFactory(), OutletFactory(), AffiliationFactory()
    writes = [
        (reverse("claims:claimant_update", args=[claimant.pk]), {"kind": "other", "affiliation": affiliation.pk}),
        (reverse("claims:outlet_update", args=[outlet.pk]), {"name": "Renamed", "affiliation": affiliation.pk}),
        (reverse("claims:affiliation_update", args=[affiliation.pk]), {"name": "Independent", "description": ""}),
        (reverse("claims:affiliation_create"), {"name": "Belarusian state", "description": ""}),
    ]
    for url, data in writes:
        mark = snapshot()
        assert editor_client.post(url, data).status_code == 302, url
        by_user(new_events(mark), editor, url)


def test_the_import_page(editor_client, editor):
    upload = SimpleUploadedFile("reviews.jsonld", json.dumps(claimreview_item()).encode(), "application/ld+json")
    mark = snapshot()
    url = reverse("claims:import")
    editor_client.post(url, {"file": upload})
    rows = new_events(mark)
    by_user(rows, editor, url)
    assert {("ClaimEvent", "insert"), ("EvidenceEvent", "insert")} <= {r[:2] for r in rows}


# --- The admin, management commands, bulk and raw writes ---------------------------------------------


def test_the_admin(client, superuser):
    client.force_login(superuser)
    tag = Tag.objects.create(name="kharkiv")
    mark = snapshot()
    url = reverse("admin:claims_tag_change", args=[tag.pk])
    client.post(url, {"name": "kharkiv oblast"})
    rows = new_events(mark)
    by_user(rows, superuser, url)
    assert rows[0][:2] == ("TagEvent", "update")

    mark = snapshot()
    url = reverse("admin:claims_tag_delete", args=[tag.pk])
    client.post(url, {"post": "yes"})
    assert ("TagEvent", "delete") in {r[:2] for r in new_events(mark)}


def test_management_commands_name_themselves(settings, tmp_path, editor):
    settings.DEBUG = True  # load_demo runs only on a development desk
    mark = snapshot()
    call_command("load_demo")
    rows = new_events(mark)
    assert rows and all(context == {"command": "load_demo"} for _, _, context in rows)

    path = tmp_path / "reviews.jsonld"
    path.write_text(json.dumps(claimreview_item(text="A claim only the import knows")))
    mark = snapshot()
    call_command("import_claimreview", str(path), user=editor.username)
    rows = new_events(mark)
    assert rows and all(context == {"command": "import_claimreview", "user": editor.pk} for *_, context in rows)


def test_bulk_and_raw_sql_writes_are_recorded_too():
    claims = ClaimFactory.create_batch(4, priority=2)
    mark = snapshot()
    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(priority=0)
    assert [r[:2] for r in new_events(mark)] == [("ClaimEvent", "update")] * 4

    mark = snapshot()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM claims_evidence")
        cursor.execute("UPDATE claims_source SET title = 'changed by hand'")
    assert new_events(mark) == []  # there was nothing to change yet
    EvidenceFactory(claim=claims[0])
    mark = snapshot()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM claims_evidence")
    assert [r[:2] for r in new_events(mark)] == [("EvidenceEvent", "delete")]


# --- The history page ----------------------------------------------------------------------------------


def test_editors_read_a_claims_full_history(editor_client, fact_checker_client, fact_checker):
    fact_checker_client.post(
        reverse("claims:create"), claim_form_data(text="Forces took <b>Robotyne</b>.", tag_names=TAGS)
    )
    claim = Claim.objects.get()
    fact_checker_client.post(reverse("claims:evidence_add", args=[claim.pk]), evidence_data())
    data = claim_form_data(text="Forces took Robotyne village.", tag_names=TAGS, version=claim.version, priority="2")
    fact_checker_client.post(reverse("claims:edit", args=[claim.pk]), {**data, "tags_seen": TAGS})

    page = editor_client.get(reverse("claims:claim_history", args=[claim.pk])).content.decode()
    assert "Forces took &lt;b&gt;Robotyne&lt;/b&gt;." in page  # the old wording, escaped
    assert "Forces took Robotyne village." in page
    assert "Evidence #" in page and "Corroborates" in page
    assert page.count(fact_checker.get_full_name() or fact_checker.username) >= 3
    assert reverse("claims:edit", args=[claim.pk]) in page


def test_editors_read_a_sources_history(editor_client, editor):
    source = EvidenceFactory().source
    Source.objects.filter(pk=source.pk).update(title="Retitled in bulk")
    page = editor_client.get(reverse("claims:source_history", args=[source.pk])).content.decode()
    assert "Retitled in bulk" in page
    assert "the database (outside the app)" in page


def test_the_history_page_is_for_editors_only(fact_checker_client, client, outsider):
    claim = ClaimFactory()
    url = reverse("claims:claim_history", args=[claim.pk])
    assert fact_checker_client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_history_page_queries_do_not_grow_with_its_rows(editor_client, editor, second_editor, fact_checker):
    claim = ClaimFactory()
    people = [editor, second_editor, fact_checker]
    Claim.objects.filter(pk=claim.pk).update(assignee=people[0])  # the few rows name a person too

    def add_rows():
        for i in range(40):
            Claim.objects.filter(pk=claim.pk).update(priority=i % 3, assignee=people[i % 3])

    assert_query_count_stays_flat(editor_client, reverse("claims:claim_history", args=[claim.pk]), add_rows)
