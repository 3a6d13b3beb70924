"""Crash safety: the real app, SIGKILLed in the middle of a multi-row write, leaves all of it or none.

The app runs in a child process (gunicorn, or manage.py) on the test database. A temporary trigger
holds the app's transaction at a chosen row write (tests/crash_support.py); the test then kills the
app, as a power cut or the out-of-memory killer would, and looks at what the database kept.

Two writes are covered:
- an editor approving a proposal: the review, the claim's status and their audit rows;
- importing a ClaimReview file: per item, the claimant, claim, outlet, source, evidence and their
  audit rows. Each item is its own transaction (claims/imports.py), so a crash keeps the items
  before it; importing the file again brings in the rest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db.models import Count
from django.test import Client
from pghistory.models import Context

from claims.imports import import_document
from claims.models import (
    Claim,
    Claimant,
    ClaimantEvent,
    ClaimEvent,
    Evidence,
    EvidenceEvent,
    LikelyDuplicate,
    Outlet,
    OutletEvent,
    Review,
    ReviewEvent,
    SearchWord,
    Source,
    SourceEvent,
    Status,
    StatusCount,
)
from tests.crash_support import (
    AppServer,
    Browser,
    InFlight,
    ManageCommand,
    PausePoint,
    crash_while_paused,
    sql_literal,
    wait_for_no_app_sessions,
)
from tests.factories import ClaimFactory, EvidenceFactory, ReviewFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def start(tmp_path):
    """Start processes of the app; whatever a test leaves running is killed when it ends."""
    children = []

    def start_child(kind, *arguments):
        child = kind(tmp_path / f"app-{len(children)}.log", *arguments)
        children.append(child)
        return child

    yield start_child
    for child in children:
        child.kill()
    # Their database sessions must be gone before the tables are emptied for the next test.
    wait_for_no_app_sessions()


def signed_in(server: AppServer, user, page: str) -> Browser:
    """A browser with `user`'s session that has opened `page` (which hands out the CSRF cookie)."""
    client = Client()
    client.force_login(user)
    browser = Browser(server, client.session.session_key)
    status, _, body = browser.get(page)
    assert status == 200, body[:500]
    return browser


def assert_never_answered(request: InFlight) -> None:
    """The request died with the server: the client never got an answer."""
    with pytest.raises(ConnectionError):
        request.outcome()


# --- Approving a proposal ---------------------------------------------------------------------------


@pytest.fixture
def proposal(fact_checker):
    claim = ClaimFactory()
    EvidenceFactory(claim=claim)  # an independent corroboration: "corroborated" may be approved
    return ReviewFactory(claim=claim, proposed_status=Status.CORROBORATED, proposed_by=fact_checker)


def approval_state(review: Review) -> dict:
    return {
        "decision": Review.objects.get(pk=review.pk).decision,
        "claim status": Claim.objects.get(pk=review.claim_id).status,
        "review audit rows": ReviewEvent.objects.filter(pgh_obj_id=review.pk).count(),
        "claim audit rows": ClaimEvent.objects.filter(pgh_obj_id=review.claim_id).count(),
        "audit contexts": Context.objects.count(),
    }


def approved(before: dict) -> dict:
    """The whole approval: decision, status, an audit row for each, and the request's audit context."""
    return {
        "decision": "approved",
        "claim status": Status.CORROBORATED,
        "review audit rows": before["review audit rows"] + 1,
        "claim audit rows": before["claim audit rows"] + 1,
        "audit contexts": before["audit contexts"] + 1,
    }


def approval_pause(review: Review, timing: str) -> PausePoint:
    """Pause at the claim's status change, the approval's last row write, reporting the review, the
    claim and their audit rows as the approving transaction sees them."""
    # Only ids and table names of this test go into the SQL.
    report = f"""format('review=%s claim=%s audit rows=%s',
        (SELECT decision FROM claims_review WHERE id = {review.pk}),
        (SELECT status FROM claims_claim WHERE id = {review.claim_id}),
        (SELECT count(*) FROM {ReviewEvent._meta.db_table} WHERE pgh_obj_id = {review.pk})
        + (SELECT count(*) FROM {ClaimEvent._meta.db_table} WHERE pgh_obj_id = {review.claim_id}))"""  # noqa: S608
    return PausePoint("claims_claim", "UPDATE", timing, report=report)


def audit_rows(state: dict) -> int:
    return state["review audit rows"] + state["claim audit rows"]


@pytest.mark.parametrize(
    ("timing", "written_by_then"),
    [
        pytest.param("before", ("approved", "unverified", 1), id="review-written-claim-not-yet"),
        pytest.param("after", ("approved", "corroborated", 2), id="every-row-written-no-commit-yet"),
    ],
)
def test_an_approval_killed_before_it_commits_leaves_none_of_it(start, editor, proposal, timing, written_by_then):
    before = approval_state(proposal)
    server = start(AppServer)
    browser = signed_in(server, editor, "/review/")

    with approval_pause(proposal, timing) as pause:
        request = InFlight(lambda: browser.post(f"/review/{proposal.pk}/approve/", {"note": ""}))
        written = crash_while_paused(server, pause, still_working=lambda: not request.done())

    decision, status, new_audit_rows = written_by_then
    # The kill came after these rows were written in the approving transaction ...
    assert written == f"review={decision} claim={status} audit rows={audit_rows(before) + new_audit_rows}"
    assert_never_answered(request)
    # ... and the database kept none of them.
    assert approval_state(proposal) == before


def test_an_approval_killed_after_sending_commit_is_there_in_full(start, editor, proposal):
    """The kill lands while PostgreSQL processes the COMMIT: the editor never saw an answer, but
    the approval was committed whole."""
    before = approval_state(proposal)
    server = start(AppServer)
    browser = signed_in(server, editor, "/review/")

    with approval_pause(proposal, "commit") as pause:
        request = InFlight(lambda: browser.post(f"/review/{proposal.pk}/approve/", {"note": ""}))
        written = crash_while_paused(server, pause, still_working=lambda: not request.done())

    assert written == f"review=approved claim=corroborated audit rows={audit_rows(before) + 2}"
    assert_never_answered(request)
    assert approval_state(proposal) == approved(before)


def test_an_approval_answered_before_the_kill_is_there_in_full(start, editor, proposal):
    before = approval_state(proposal)
    server = start(AppServer)
    browser = signed_in(server, editor, "/review/")

    status, headers, _ = browser.post(f"/review/{proposal.pk}/approve/", {"note": ""})
    server.kill()
    wait_for_no_app_sessions()

    assert (status, headers["Location"]) == (302, "/review/")
    assert approval_state(proposal) == approved(before)


# --- Importing a ClaimReview file -------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One ClaimReview of the file, with names of its own so its rows can be told apart."""

    number: int

    @property
    def claimant(self) -> str:
        return f"Claimant number {self.number}"

    @property
    def text(self) -> str:
        return f"Claim number {self.number} was made."

    @property
    def domain(self) -> str:
        return f"checker{self.number}.example.org"

    @property
    def article(self) -> str:
        return f"https://{self.domain}/review-{self.number}"

    def claim_review(self) -> dict:
        return {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": self.article,
            "claimReviewed": self.text,
            "itemReviewed": {"@type": "Claim", "author": {"@type": "Organization", "name": self.claimant}},
            "reviewRating": {"@type": "Rating", "ratingValue": 1, "worstRating": 1, "bestRating": 5},
        }

    def rows(self) -> dict[str, int]:
        """How many of each row this item makes are in the database (each is 1 when it is there)."""
        found = {
            "claimant": Claimant.objects.filter(name=self.claimant),
            "claim": Claim.objects.filter(text=self.text),
            "outlet": Outlet.objects.filter(domain=self.domain),
            "source": Source.objects.filter(url=self.article),
            "evidence": Evidence.objects.filter(source__url=self.article),
            "claimant audit": ClaimantEvent.objects.filter(name=self.claimant),
            "claim audit": ClaimEvent.objects.filter(text=self.text),
            "outlet audit": OutletEvent.objects.filter(domain=self.domain),
            "source audit": SourceEvent.objects.filter(url=self.article),
            "evidence audit": EvidenceEvent.objects.filter(source__url=self.article),
        }
        return {name: rows.count() for name, rows in found.items()}


ITEMS = [Item(1), Item(2), Item(3)]
FILE = json.dumps([item.claim_review() for item in ITEMS]).encode()
CRASHING_ITEM = ITEMS[1]
# What an item writes, one row each; every other table of the desk stays empty in these tests.
IMPORTED_MODELS = [Claimant, Claim, Outlet, Source, Evidence]
IMPORTED_MODELS += [ClaimantEvent, ClaimEvent, OutletEvent, SourceEvent, EvidenceEvent]


def items_in_database() -> list[int]:
    """The items the database holds, after checking that each is there whole or not at all, and
    that no other row of the desk was written."""
    present = []
    for item in ITEMS:
        rows = item.rows()
        assert set(rows.values()) in ({0}, {1}), f"item {item.number} is only partly there: {rows}"
        if rows["claim"]:
            present.append(item.number)
    written = {model._meta.label for model in IMPORTED_MODELS}
    # StatusCount is derived from the claims by triggers: it must agree with them, crash or not.
    # LikelyDuplicate notes which imported claims read alike, SearchWord the words of their texts and
    # claimants: both are written with them or not at all.
    claims_tables = {
        model._meta.label: model.objects.count()
        for model in apps.get_app_config("claims").get_models()
        if model not in (StatusCount, LikelyDuplicate, SearchWord)
    }
    if not present:
        assert not LikelyDuplicate.objects.exists() and not SearchWord.objects.exists()
    assert claims_tables == {label: len(present) if label in written else 0 for label in claims_tables}
    counted = {status: n for status, n in StatusCount.by_status().items() if n}
    assert counted == dict(Claim.objects.order_by().values_list("status").annotate(n=Count("id")))
    return present


class ImportRun:
    """The file imported one of the two ways the desk offers: the editors' upload page, or the
    management command."""

    def __init__(self, how: str, start, editor, tmp_path):
        self.how, self.start, self.editor = how, start, editor
        if how == "upload":
            self.server = start(AppServer)
            self.browser = signed_in(self.server, editor, "/claims/import/")
        else:
            self.file = tmp_path / "reviews.jsonld"
            self.file.write_bytes(FILE)

    def begin(self) -> None:
        if self.how == "upload":
            self.app = self.server
            self.request = InFlight(
                lambda: self.browser.post("/claims/import/", {}, {"file": ("reviews.jsonld", FILE)})
            )
        else:
            arguments = ("import_claimreview", str(self.file), "--user", self.editor.username)
            self.app = self.start(ManageCommand, *arguments)

    def still_working(self) -> bool:
        return not self.request.done() if self.how == "upload" else self.app.running()

    def crash_at(self, pause: PausePoint) -> str:
        written = crash_while_paused(self.app, pause, still_working=self.still_working)
        if self.how == "upload":
            assert_never_answered(self.request)
        return written

    def finish(self) -> None:
        if self.how == "upload":
            status, _, page = self.request.outcome()
            assert status == 200, page[:500]
        else:
            assert self.app.process.wait() == 0, self.app.output()


def import_pause(timing: str) -> PausePoint:
    """Pause at the crashing item's evidence, the last row an item writes, reporting the item's rows
    as the importing transaction sees them."""
    item = CRASHING_ITEM
    # Only this test's own names go into the SQL, quoted.
    report = f"""format('claimant=%s claim=%s outlet=%s source=%s evidence=%s',
        (SELECT count(*) FROM claims_claimant WHERE name = {sql_literal(item.claimant)}),
        (SELECT count(*) FROM claims_claim WHERE text = {sql_literal(item.text)}),
        (SELECT count(*) FROM claims_outlet WHERE domain = {sql_literal(item.domain)}),
        (SELECT count(*) FROM claims_source WHERE url = {sql_literal(item.article)}),
        (SELECT count(*) FROM claims_evidence e JOIN claims_source s ON s.id = e.source_id
            WHERE s.url = {sql_literal(item.article)}))"""  # noqa: S608
    only_when = f"NEW.source_id = (SELECT id FROM claims_source WHERE url = {sql_literal(item.article)})"  # noqa: S608
    return PausePoint("claims_evidence", "INSERT", timing, report=report, only_when=only_when)


HOW = pytest.mark.parametrize("how", ["upload", "command"])


@HOW
def test_an_import_killed_in_the_middle_keeps_none_of_the_file(start, editor, tmp_path, how):
    run = ImportRun(how, start, editor, tmp_path)
    with import_pause("before") as pause:
        run.begin()
        written = run.crash_at(pause)

    # Everything of the item but its evidence had been written when the kill came ...
    assert written == "claimant=1 claim=1 outlet=1 source=1 evidence=0"
    # ... and none of the file was kept: not that item, nor the one imported before it.
    assert items_in_database() == []

    # Importing the file again brings in what is missing, once.
    report = import_document(FILE.decode(), name="reviews.jsonld", user=editor)
    assert not report.rejected, report.rejected
    assert items_in_database() == [1, 2, 3]


@HOW
def test_an_import_killed_while_it_commits_keeps_the_whole_file(start, editor, tmp_path, how):
    run = ImportRun(how, start, editor, tmp_path)
    with import_pause("commit") as pause:
        run.begin()
        written = run.crash_at(pause)

    assert written == "claimant=1 claim=1 outlet=1 source=1 evidence=1"
    assert items_in_database() == [1, 2, 3]


@HOW
def test_an_import_that_finished_before_the_kill_is_there_in_full(start, editor, tmp_path, how):
    run = ImportRun(how, start, editor, tmp_path)
    run.begin()
    run.finish()
    run.app.kill()
    wait_for_no_app_sessions()

    assert items_in_database() == [1, 2, 3]
