from __future__ import annotations

import datetime as dt
import io
import json
import logging

import pytest
from django.db import connection
from django.test import Client

from claims import workflow
from claims.models import Claim, Review, Status
from tests.capture_server import LocalSite
from tests.crash_support import ManageCommand
from tests.factories import ClaimFactory, EvidenceFactory, ReviewFactory, UserFactory, make_editor, make_fact_checker


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _captures_in_a_temporary_folder(settings, tmp_path):
    """Each test's captured files go to its own folder, never the developer's var/media/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "captures": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "captures", "allow_overwrite": True},
        },
    }


@pytest.fixture
def site(settings):
    """A real HTTP server on 127.0.0.1 (tests/capture_server.py), which the fetcher may reach."""
    settings.CAPTURE_ALLOW_PRIVATE_NETWORKS = True
    with LocalSite() as running:
        yield running


# --- The desk's people ---------------------------------------------------------------------------
# One set of personas for every test: a test that needs "a fact-checker" or "an editor" asks for one of
# these rather than making its own, so the same people, with the names pages show, appear everywhere.
# Each signs in with tests.factories.PASSWORD; the roles are docs/architecture.md, "Roles and access".


@pytest.fixture
def fact_checker(db):
    """Olena, a fact-checker: logs claims, links evidence, proposes statuses."""
    return make_fact_checker(username="olena", first_name="Olena", last_name="Marchenko")


@pytest.fixture
def second_fact_checker(db):
    """Petro, Olena's colleague: another fact-checker, for what one may not do to the other's work."""
    return make_fact_checker(username="petro", first_name="Petro", last_name="Kovalenko")


@pytest.fixture
def editor(db):
    """Daniel, an editor: decides proposals, assigns claims, corrects decided claims."""
    return make_editor(username="daniel", first_name="Daniel", last_name="Weber")


@pytest.fixture
def second_editor(db):
    """Anna, a second editor, for two editors at once and decisions made by someone else."""
    return make_editor(username="anna", first_name="Anna", last_name="Berg")


@pytest.fixture
def outsider(db):
    """Signed in, but with no role on the desk."""
    return UserFactory(username="outsider")


@pytest.fixture
def superuser(db):
    """Root: the Django admin's superuser, with no role on the desk itself."""
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def fact_checker_client(client, fact_checker):
    client.force_login(fact_checker)
    return client


@pytest.fixture
def editor_client(editor):
    """A browser of its own, so a test can have a fact-checker and an editor signed in at once."""
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def decided_claim(fact_checker, editor):
    """Make a claim logged and approved at given moments, the way the workflow records it: the
    fact-checker's proposal on one independent source, approved by the editor."""

    def decided_claim(text: str, *, logged: dt.datetime, decided: dt.datetime, status=Status.CORROBORATED) -> Claim:
        claim = ClaimFactory(text=text, created_at=logged, updated_at=logged)
        EvidenceFactory(claim=claim, source__title="Agency report")
        review = ReviewFactory(claim=claim, proposed_by=fact_checker, proposed_status=status, proposed_at=logged)
        workflow.review_approve(review=review, user=editor)
        Review.objects.filter(pk=review.pk).update(decided_at=decided)
        Claim.objects.filter(pk=claim.pk).update(updated_at=decided)
        return claim

    return decided_claim


@pytest.fixture
def desk_log():
    """What the desk's JSON logger writes, one parsed object per line, through the configured formatter
    (docs/security.md: decisions and failed sign-ins are logged)."""
    stream = io.StringIO()
    logger = logging.getLogger("newsdesk")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.handlers[0].formatter)
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


@pytest.fixture
def start_worker(tmp_path):
    """Start `manage.py procrastinate worker` processes on the test database (a transactional test),
    writing to this test's capture folder; all are killed after, and the job tables emptied."""
    workers = []

    def start(name: str = "worker", queues: str = "captures") -> ManageCommand:
        worker = ManageCommand(
            tmp_path / f"{name}.log",
            "procrastinate",
            "worker",
            f"--queues={queues}",
            f"--name={name}",
            env={
                "CAPTURE_ALLOW_PRIVATE_NETWORKS": "1",
                "MEDIA_ROOT": str(tmp_path),
                "WORKER_HEARTBEAT_SECONDS": "1",
            },
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.kill()
    # procrastinate's tables are not Django models the test flush empties: leave them as found.
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE procrastinate_jobs, procrastinate_workers CASCADE")
