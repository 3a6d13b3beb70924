from __future__ import annotations

import hashlib
import http.server
import io
import re
import threading
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from procrastinate.contrib.django.models import ProcrastinateJob

from captures import archiving
from captures.models import ArtifactKind, Capture
from claims.management.commands.load_demo import DEMO_PAGES, DEMO_PAGES_OUTLET, demo_page_url
from claims.models import Claim, Decision, Evidence, JobState, Outlet, Review, Source, Stance, Status
from claims.workflow import EvidenceSummary, unmet_gate

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def _row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_load_demo_is_idempotent(debug_on):
    call_command("load_demo", stdout=None)
    first = _row_counts()
    call_command("load_demo")
    assert _row_counts() == first  # audit tables included: a rerun writes nothing
    assert first["claims.Claim"] >= 10


def test_load_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")
    assert not Claim.objects.exists()


def test_demo_logins_work(debug_on, rf):
    call_command("load_demo")
    # Sign-ins go through login throttling, which needs the request (its address).
    sign_in = rf.post("/accounts/login/")
    assert authenticate(sign_in, username="factchecker", password="factcheck-demo-2024")
    assert authenticate(sign_in, username="editor", password="editor-demo-2024")


def test_demo_is_set_in_week_20_of_2024(debug_on):
    call_command("load_demo")
    weeks = {claim.created_at.isocalendar()[:2] for claim in Claim.objects.all()}
    assert weeks == {(2024, 20)}


def test_demo_statuses_spread_across_the_scale_and_meet_their_gates(debug_on):
    call_command("load_demo")
    claims = Claim.objects.with_evidence_summary()
    assert {claim.status for claim in claims} == set(Status.values)
    for claim in claims:
        approved = claim.reviews.filter(decision=Decision.APPROVED).order_by("-decided_at").first()
        expected = approved.proposed_status if approved else Status.UNVERIFIED
        assert claim.status == expected, claim.text
        if approved:
            assert unmet_gate(claim.status, EvidenceSummary.of(claim), approved.rationale) == "", claim.text


def test_demo_has_reviews_in_every_state(debug_on):
    call_command("load_demo")
    assert set(Review.objects.values_list("decision", flat=True)) == set(Decision.values)


# --- The demo pages and their captures ------------------------------------------------------------

DEMO_PAGES_DIR = Path(django_settings.BASE_DIR) / "static" / "demo-pages"
DEMO_PAGES_PATH = "/static/demo-pages/"


def demo_sources():
    return Source.objects.filter(url__in=[demo_page_url(name) for name, *_ in DEMO_PAGES]).order_by("url")


def test_load_demo_adds_the_demo_pages_as_context_and_queues_one_capture_each(debug_on):
    out = io.StringIO()
    call_command("load_demo", stdout=out)

    sources = list(demo_sources())
    assert len(sources) == len(DEMO_PAGES) >= 3
    for source in sources:
        assert source.url.startswith("http://127.0.0.1:8000/static/demo-pages/")
        assert source.outlet.name == DEMO_PAGES_OUTLET
        assert source.outlet.domain == "127.0.0.1"
        # Nobody's reporting: an outlet with no affiliation never counts as independent.
        assert source.outlet.affiliation is None
    assert Outlet.objects.for_url(sources[0].url) == sources[0].outlet

    links = Evidence.objects.filter(source__in=sources)
    assert links.count() == sum(len(page[4]) for page in DEMO_PAGES)
    assert set(links.values_list("stance", flat=True)) == {Stance.CONTEXT}
    for name, _title, _kind, _published, claims in DEMO_PAGES:
        linked = set(links.filter(source__url=demo_page_url(name)).values_list("claim__text", flat=True))
        assert linked == {text for text, _excerpt in claims}

    captures = Capture.objects.filter(source__in=sources)
    assert sorted(captures.values_list("source_id", flat=True)) == sorted(source.pk for source in sources)
    assert set(captures.values_list("state", flat=True)) == {JobState.QUEUED}
    assert {capture.requested_by.username for capture in captures} == {"factchecker"}
    jobs = ProcrastinateJob.objects.filter(task_name="captures.tasks.capture_source")
    assert sorted(job.args["capture_id"] for job in jobs) == sorted(captures.values_list("pk", flat=True))
    assert {job.status for job in jobs} == {"todo"}
    assert {job.queue_name for job in jobs} == {"captures"}
    assert f"Demo captures queued: {len(DEMO_PAGES)}" in out.getvalue()


def test_load_demo_twice_queues_no_second_capture(debug_on):
    call_command("load_demo")
    captures = set(Capture.objects.values_list("pk", flat=True))
    jobs = set(ProcrastinateJob.objects.values_list("pk", flat=True))

    out = io.StringIO()
    call_command("load_demo", stdout=out)

    assert set(Capture.objects.values_list("pk", flat=True)) == captures
    assert set(ProcrastinateJob.objects.values_list("pk", flat=True)) == jobs
    assert "already has a capture" in out.getvalue()


def test_a_failed_demo_capture_is_queued_again_on_the_next_run(debug_on):
    call_command("load_demo")
    failed = Capture.objects.get(source__url=demo_page_url("agency-report.html"))
    Capture.objects.filter(pk=failed.pk).update(state=JobState.FAILED, finished_at=failed.requested_at)

    call_command("load_demo")

    assert Capture.objects.filter(source=failed.source).count() == 2
    assert Capture.objects.filter(source=failed.source, state=JobState.QUEUED).count() == 1
    assert Capture.objects.count() == len(DEMO_PAGES) + 1


def test_demo_pages_load_nothing_from_other_hosts():
    pages = sorted(DEMO_PAGES_DIR.glob("*.html"))
    assert {page.name for page in pages} == {name for name, *_ in DEMO_PAGES}
    for page in [*pages, DEMO_PAGES_DIR / "demo.css"]:
        text = page.read_text()
        if page.suffix == ".html":
            assert "Demo page shipped with newsdesk" in text, page.name
        assert "@import" not in text and "srcset" not in text, page.name
        references = re.findall(r"""\b(?:src|href)\s*=\s*["']([^"']*)["']""", text)
        references += re.findall(r"""url\(\s*["']?([^"')]*)""", text)
        # Every file a page loads sits beside it, named relative to it: no scheme, no //host, no /path.
        for target in references:
            assert not re.match(r"(?i)\s*([a-z][a-z0-9+.-]*:|/)", target), (page.name, target)
            assert (DEMO_PAGES_DIR / target).is_file(), (page.name, target)


class DemoPagesHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the repository's static/demo-pages/ at /static/demo-pages/, as the dev server does; nothing else."""

    requested: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(DEMO_PAGES_DIR), **kwargs)

    def translate_path(self, path):
        self.requested.append(path)
        if not path.startswith(DEMO_PAGES_PATH):
            return str(DEMO_PAGES_DIR / "not-a-demo-page")  # answered 404
        return super().translate_path("/" + path.removeprefix(DEMO_PAGES_PATH))

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def demo_server(settings):
    """The demo pages on 127.0.0.1, SITE_URL pointing at them, and the fetcher allowed to reach them."""
    DemoPagesHandler.requested = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), DemoPagesHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SITE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.CAPTURE_ALLOW_PRIVATE_NETWORKS = True
    try:
        yield DemoPagesHandler.requested
    finally:
        server.shutdown()
        server.server_close()


def test_the_demo_pages_are_captured_offline_with_the_hash_of_every_stored_file(debug_on, demo_server):
    call_command("load_demo")
    sources = list(demo_sources())
    assert len(sources) == len(DEMO_PAGES)

    for source in sources:
        assert source.url.startswith(django_settings.SITE_URL + DEMO_PAGES_PATH)
        capture = archiving.run_capture(source.captures.get().pk)

        assert capture.state == JobState.DONE, capture.reason
        assert capture.reason == "", source.url  # main text, screenshot and PDF all made
        assert capture.http_status == 200
        assert capture.final_url == source.url
        artifacts = {artifact.kind: artifact for artifact in capture.artifacts.all()}
        assert set(artifacts) == {ArtifactKind.WARC, ArtifactKind.TEXT, ArtifactKind.SCREENSHOT, ArtifactKind.PDF}
        for artifact in artifacts.values():
            with artifact.open() as handle:
                content = handle.read()
            assert artifact.sha256 == hashlib.sha256(content).hexdigest(), artifact.kind
            assert artifact.size == len(content) > 0
        headline = re.search(r"<h1>(.*?)</h1>", (DEMO_PAGES_DIR / source.url.rsplit("/", 1)[1]).read_text())[1]
        with artifacts[ArtifactKind.TEXT].open() as handle:
            assert headline in handle.read().decode()
        with artifacts[ArtifactKind.SCREENSHOT].open() as handle:
            assert handle.read().startswith(b"\x89PNG")
        with artifacts[ArtifactKind.PDF].open() as handle:
            assert handle.read().startswith(b"%PDF")

    # The browser asked for the shared stylesheet and the image, from this machine and nowhere else.
    assert {DEMO_PAGES_PATH + "demo.css", DEMO_PAGES_PATH + "demo-mark.svg"} <= set(demo_server)
    assert all(path.startswith(DEMO_PAGES_PATH) for path in demo_server)
