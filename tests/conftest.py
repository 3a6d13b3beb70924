from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from tests.capture_server import LocalSite
from tests.crash_support import ManageCommand
from tests.factories import UserFactory, editor, fact_checker


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


@pytest.fixture
def checker(db):
    return fact_checker(username="checker")


@pytest.fixture
def an_editor(db):
    return editor(username="editor-on-duty")


@pytest.fixture
def outsider(db):
    """Signed in, but with no role on the desk."""
    return UserFactory(username="outsider")


@pytest.fixture
def checker_client(client, checker):
    client.force_login(checker)
    return client


@pytest.fixture
def editor_client(an_editor):
    """A browser of its own, so a test can have a fact-checker and an editor signed in at once."""
    client = Client()
    client.force_login(an_editor)
    return client


@pytest.fixture
def start_worker(tmp_path):
    """Start `manage.py procrastinate worker` processes on the test database (a transactional test),
    writing to this test's capture folder; all are killed after, and the job tables emptied."""
    workers = []

    def start(name: str = "worker") -> ManageCommand:
        worker = ManageCommand(
            tmp_path / f"{name}.log",
            "procrastinate",
            "worker",
            "--queues=captures",
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
