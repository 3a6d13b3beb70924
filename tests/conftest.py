from __future__ import annotations

import pytest
from django.test import Client

from tests.capture_server import LocalSite
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
