"""Captures (docs/architecture.md, "Evidence that does not vanish"): what a worker keeps of a source,
against a real HTTP server on this machine (tests/capture_server.py), with the tasks run in-process."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob
from warcio.archiveiterator import ArchiveIterator

from captures import archiving, fetcher
from captures.models import Artifact, ArtifactKind, Capture
from claims import audit, workflow
from claims.models import JobState, Source
from tests.capture_server import PIXEL_PNG, LocalSite, Page
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db


def capture_of(url: str, **kwargs) -> Capture:
    source = Source.objects.filter(url=url).first() or SourceFactory(url=url, outlet=None)
    capture = Capture.objects.create(source=source)
    return archiving.run_capture(capture.pk, **kwargs) or Capture.objects.get(pk=capture.pk)


def stored(artifact: Artifact) -> bytes:
    with artifact.open() as handle:
        return handle.read()


def warc_records(capture: Capture) -> list:
    records = []
    for record in ArchiveIterator(io.BytesIO(stored(capture.artifact(ArtifactKind.WARC)))):
        records.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI"), record))
        if record.rec_type == "response":
            records[-1] = (*records[-1][:2], record.http_headers.get_statuscode(), record.content_stream().read())
    return records


# --- What a capture keeps ------------------------------------------------------------------------------


def test_an_html_page_is_kept_as_warc_text_screenshot_and_pdf_each_with_the_hash_of_its_bytes(site):
    capture = capture_of(site.url("/briefing.html"))

    assert capture.state == JobState.DONE, capture.reason
    assert capture.reason == ""
    assert capture.http_status == 200
    assert capture.final_url == site.url("/briefing.html")
    assert capture.started_at <= capture.finished_at
    assert {"httpx", "warcio", "trafilatura", "playwright", "chromium"} <= set(capture.tool_versions)
    artifacts = {artifact.kind: artifact for artifact in capture.artifacts.all()}
    assert set(artifacts) == {ArtifactKind.WARC, ArtifactKind.TEXT, ArtifactKind.SCREENSHOT, ArtifactKind.PDF}
    for artifact in artifacts.values():
        content = stored(artifact)
        assert artifact.sha256 == hashlib.sha256(content).hexdigest()
        assert artifact.size == len(content)
    assert stored(artifacts["screenshot"]).startswith(b"\x89PNG")
    assert stored(artifacts["pdf"]).startswith(b"%PDF")
    assert artifacts["warc"].media_type == "application/warc"
    text = stored(artifacts["text"]).decode()
    assert "shot down ten missiles" in text
    assert "Home · Briefings" not in text  # the main text, not the menu
    # The browser's requests for the style sheet and image went through the safe fetcher.
    assert "/style.css" in site.requests and "/pixel.png" in site.requests

    records = warc_records(capture)
    assert records[0][0] == "warcinfo"
    response = next(record for record in records if record[0] == "response")
    assert response[1] == site.url("/briefing.html")
    assert response[2] == "200"
    assert b"shot down ten missiles" in response[3]
    assert any(record[0] == "request" for record in records)


def test_a_file_that_is_not_html_is_kept_as_it_is(site):
    capture = capture_of(site.url("/pixel.png"))

    assert capture.state == JobState.DONE
    [file] = [artifact for artifact in capture.artifacts.all() if artifact.kind == ArtifactKind.FILE]
    assert stored(file) == PIXEL_PNG
    assert file.media_type == "image/png"
    assert file.sha256 == hashlib.sha256(PIXEL_PNG).hexdigest()
    assert not capture.artifact(ArtifactKind.SCREENSHOT)


def test_a_redirect_chain_is_followed_and_every_hop_is_in_the_warc(site):
    site.redirect("/old", site.url("/older"), status=301)
    site.redirect("/older", "/briefing.html")  # a relative Location
    capture = capture_of(site.url("/old"))

    assert capture.state == JobState.DONE
    assert capture.final_url == site.url("/briefing.html")
    responses = [record for record in warc_records(capture) if record[0] == "response"]
    assert [(uri, status) for _, uri, status, _ in responses] == [
        (site.url("/old"), "301"),
        (site.url("/older"), "302"),
        (site.url("/briefing.html"), "200"),
    ]


def test_more_than_five_redirects_or_a_loop_fail_with_the_reason(site):
    for number in range(7):
        site.redirect(f"/hop{number}", f"/hop{number + 1}")
    site.redirect("/loop-a", "/loop-b")
    site.redirect("/loop-b", "/loop-a")

    too_many = capture_of(site.url("/hop0"))
    loop = capture_of(site.url("/loop-a"))

    assert too_many.state == JobState.FAILED
    assert too_many.reason == "The address redirects more than 5 times."
    assert loop.state == JobState.FAILED
    assert loop.reason == "The address redirects in a loop."
    assert too_many.artifact(ArtifactKind.WARC)  # what did come back is kept


@pytest.mark.parametrize(
    ("path", "reason"), [("/missing", "404 Not Found"), ("/gone", "410 Gone"), ("/broken", "500 Internal Server Error")]
)
def test_an_error_answer_fails_the_capture_saying_what_the_server_answered_and_keeps_the_exchange(site, path, reason):
    capture = capture_of(site.url(path))

    assert capture.state == JobState.FAILED
    assert capture.reason == f"The server answered {reason}."
    assert capture.http_status == int(reason[:3])
    assert [artifact.kind for artifact in capture.artifacts.all()] == [ArtifactKind.WARC]


def test_a_slow_page_times_out(site, settings):
    settings.CAPTURE_TIMEOUT_SECONDS = 1
    site.pages["/slow"] = Page(b"<p>late</p>", delay=3)

    capture = capture_of(site.url("/slow"))

    assert capture.state == JobState.FAILED
    assert "did not answer in time" in capture.reason
    assert not capture.artifacts.exists()


def test_a_body_over_the_size_limit_is_not_kept(site, settings):
    settings.CAPTURE_MAX_BYTES = 1024 * 1024
    site.pages["/huge.bin"] = Page(b"x" * (2 * 1024 * 1024), content_type="application/octet-stream")

    capture = capture_of(site.url("/huge.bin"))

    assert capture.state == JobState.FAILED
    assert capture.reason == "The page is larger than the 1 MB the desk keeps of one address."
    assert not capture.artifacts.exists()


def test_without_chromium_the_capture_keeps_warc_and_text_and_says_what_it_could_not_make(site, settings):
    settings.CHROMIUM = "/nonexistent/chromium"

    capture = capture_of(site.url("/briefing.html"))

    assert capture.state == JobState.DONE
    assert {artifact.kind for artifact in capture.artifacts.all()} == {ArtifactKind.WARC, ArtifactKind.TEXT}
    assert capture.reason == "No screenshot or PDF: there is no Chromium on the worker's machine."


def test_an_unreachable_server_is_retried_until_the_last_attempt_then_fails(settings):
    settings.CAPTURE_ALLOW_PRIVATE_NETWORKS = True
    with LocalSite() as closed:
        url = closed.url("/briefing.html")
    source = SourceFactory(url=url, outlet=None)
    capture = Capture.objects.create(source=source)

    with pytest.raises(fetcher.FetchFailed):
        archiving.run_capture(capture.pk, final_attempt=False)
    capture.refresh_from_db()
    assert capture.state == JobState.QUEUED
    assert capture.reason.startswith("Retrying: 127.0.0.1 could not be reached")

    archiving.run_capture(capture.pk, final_attempt=True)
    capture.refresh_from_db()
    assert capture.state == JobState.FAILED
    assert capture.attempts == 2
    assert "could not be reached" in capture.reason


def test_a_job_delivered_twice_does_not_capture_twice(site):
    capture = capture_of(site.url("/briefing.html"))
    names = sorted(Artifact.objects.values_list("name", "sha256"))

    assert archiving.run_capture(capture.pk) is None
    assert sorted(Artifact.objects.values_list("name", "sha256")) == names


def test_capturing_again_keeps_the_earlier_capture(site):
    first = capture_of(site.url("/briefing.html"))
    site.pages["/briefing.html"] = Page(b"<html><body><article><p>" + b"A rewritten page. " * 20 + b"</p></article>")
    second = capture_of(site.url("/briefing.html"))

    assert first.pk != second.pk
    assert Capture.objects.filter(source=first.source).count() == 2
    assert first.artifact(ArtifactKind.WARC).sha256 != second.artifact(ArtifactKind.WARC).sha256
    assert stored(first.artifact(ArtifactKind.TEXT)) != stored(second.artifact(ArtifactKind.TEXT))


# --- The safe fetcher ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "a loopback address (this machine)"),
        ("::1", "a loopback address (this machine)"),
        ("::ffff:127.0.0.1", "a loopback address (this machine)"),
        ("10.1.2.3", "a private network address"),
        ("172.16.0.9", "a private network address"),
        ("192.168.1.1", "a private network address"),
        ("fd00::1", "a private network address"),
        ("169.254.169.254", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("224.0.0.1", "a multicast address"),
        ("ff02::1", "a multicast address"),
        ("0.0.0.0", "an unspecified address"),  # noqa: S104 - the address under test
        ("240.0.0.1", "a reserved address"),
        ("100.64.0.1", "an address that is not on the public internet"),
    ],
)
def test_non_public_addresses_are_refused(settings, address, why):
    settings.CAPTURE_ALLOW_PRIVATE_NETWORKS = False
    assert fetcher.refusal_for(address) == why


def test_public_addresses_pass(settings):
    settings.CAPTURE_ALLOW_PRIVATE_NETWORKS = False
    assert fetcher.refusal_for("93.184.215.14") is None
    assert fetcher.refusal_for("2606:4700::6810:84e5") is None


def test_a_loopback_address_and_a_name_that_resolves_to_one_are_refused_before_any_connection(settings):
    settings.CAPTURE_ALLOW_PRIVATE_NETWORKS = False
    with LocalSite() as site:
        for url in (site.url("/briefing.html"), f"http://localhost:{site.port}/briefing.html"):
            with pytest.raises(fetcher.FetchRefused, match=r"(is|resolves to (127\.0\.0\.1|::1),) a loopback address"):
                fetcher.fetch(url)
        assert site.requests == []


@pytest.mark.parametrize("url", ["ftp://example.org/file", "file:///etc/passwd", "gopher://example.org/"])
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(fetcher.FetchRefused, match="Only http and https"):
        fetcher.fetch(url)


def test_a_redirect_from_an_allowed_server_to_a_loopback_address_is_refused(settings):
    """The first server stands for a public one (its network is allowed); it redirects to 127.0.0.1."""
    settings.CAPTURE_ALLOW_PRIVATE_NETWORKS = False
    settings.CAPTURE_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    with LocalSite("127.0.0.1") as inside, LocalSite("127.0.0.2") as outside:
        outside.redirect("/innocent", inside.url("/briefing.html"))
        assert fetcher.fetch(outside.url("/briefing.html")).final.status == 200  # the allowed one answers

        source = SourceFactory(url=outside.url("/innocent"), outlet=None)
        capture = archiving.run_capture(Capture.objects.create(source=source).pk)

        assert capture.state == JobState.FAILED
        assert capture.reason == (
            "Not fetched: 127.0.0.1 is a loopback address (this machine). The desk only fetches public addresses."
        )
        assert inside.requests == []
        assert capture.artifact(ArtifactKind.WARC)  # the redirect itself is on record


def test_the_browser_cannot_reach_a_private_address_either(settings):
    """A page on an allowed server that embeds an image from 127.0.0.1: the image is never fetched."""
    settings.CAPTURE_ALLOW_PRIVATE_NETWORKS = False
    settings.CAPTURE_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    with LocalSite("127.0.0.1") as inside, LocalSite("127.0.0.2") as outside:
        outside.pages["/page.html"] = Page(
            f'<html><body><p>A page.</p><img src="{inside.url("/pixel.png")}"></body></html>'.encode()
        )
        capture = capture_of(outside.url("/page.html"))

        assert capture.state == JobState.DONE
        assert capture.artifact(ArtifactKind.SCREENSHOT)
        assert inside.requests == []


def test_the_fetcher_sends_its_own_user_agent(site, settings):
    settings.CAPTURE_USER_AGENT = "newsdesk-test-agent/1"
    hop = fetcher.fetch(site.url("/briefing.html")).final
    assert ("User-Agent", "newsdesk-test-agent/1") in hop.request_headers


# --- Integrity -----------------------------------------------------------------------------------------


def test_verify_captures_passes_then_names_a_tampered_and_a_missing_file(site, capsys):
    capture = capture_of(site.url("/briefing.html"))
    call_command("verify_captures")
    assert "All 4 captured files match their SHA-256." in capsys.readouterr().out

    text = capture.artifact(ArtifactKind.TEXT)
    screenshot = capture.artifact(ArtifactKind.SCREENSHOT)
    storage = archiving.capture_storage()
    with open(storage.path(text.name), "ab") as handle:
        handle.write(b" (edited)")
    storage.delete(screenshot.name)

    with pytest.raises(CommandError, match="2 of 4 captured files failed the check"):
        call_command("verify_captures")
    errors = capsys.readouterr().err
    assert f"MISMATCH {text.name}" in errors and f"recorded {text.sha256}" in errors
    assert f"MISSING  {screenshot.name}" in errors


# --- Queueing ------------------------------------------------------------------------------------------


def jobs() -> list[dict]:
    """The capture jobs of this test's captures (job rows of other, transactional, tests may linger)."""
    ours = [{"capture_id": pk} for pk in Capture.objects.values_list("pk", flat=True)]
    return [
        args
        for args in ProcrastinateJob.objects.filter(task_name="captures.tasks.capture_source").values_list(
            "args", flat=True
        )
        if args in ours
    ]


def test_linking_a_new_source_queues_a_capture_in_the_same_transaction(fact_checker):
    claim = ClaimFactory()
    evidence = workflow.evidence_add(
        claim=claim,
        user=fact_checker,
        url="https://www.reuters.com/world/a",
        title="",
        kind="article",
        stance="context",
    )

    capture = Capture.objects.get(source=evidence.source)
    assert capture.state == JobState.QUEUED
    assert capture.requested_by == fact_checker
    assert jobs() == [{"capture_id": capture.pk}]


def test_linking_a_source_the_desk_has_captured_queues_nothing_more(fact_checker, settings):
    source = SourceFactory()
    Capture.objects.create(source=source, state=JobState.DONE, finished_at=source.added_at)
    workflow.evidence_add(
        claim=ClaimFactory(), user=fact_checker, url=source.url, title="", kind="article", stance="context"
    )
    settings.CAPTURE_ON_LINK = False
    workflow.evidence_add(
        claim=ClaimFactory(), user=fact_checker, url="https://apnews.com/x", title="", kind="article", stance="context"
    )

    assert Capture.objects.count() == 1
    assert jobs() == []


def test_asking_again_while_a_capture_is_queued_returns_that_capture(fact_checker):
    source = SourceFactory()
    first = workflow.capture_request(source=source, user=fact_checker)
    second = workflow.capture_request(source=source, user=fact_checker)

    assert first == second
    assert len(jobs()) == 1


def test_capture_sources_queues_what_the_desk_holds(site, capsys):
    captured, never, just_captured = SourceFactory(), SourceFactory(), SourceFactory()
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    Capture.objects.create(source=captured, state=JobState.DONE, finished_at=an_hour_ago)
    Capture.objects.create(source=just_captured, state=JobState.DONE, finished_at=timezone.now())

    call_command("capture_sources", "--missing")
    assert list(Capture.objects.unfinished().values_list("source", flat=True)) == [never.pk]
    call_command("capture_sources")
    assert set(Capture.objects.unfinished().values_list("source", flat=True)) == {never.pk, captured.pk}
    assert len(jobs()) == 2
    # The same rule as the button: a source captured a moment ago is left as it is.
    assert "1 source captured less than a minute ago was left as captured." in capsys.readouterr().out


def test_the_audit_history_of_a_source_records_its_captures(site, editor):
    capture = capture_of(site.url("/briefing.html"))
    _page, entries = audit.audit_page(capture.source, 1)
    captures = [entry for entry in entries if entry.what == "Capture"]
    assert [entry.action for entry in captures] == ["changed", "changed", "added"]
    assert [(change.field, change.after) for change in captures[0].changes if change.field == "State"] == [
        ("State", "Done")
    ]


# --- Pages ---------------------------------------------------------------------------------------------


def test_the_claim_page_shows_each_sources_capture_with_its_hash_and_files(site, fact_checker_client):
    capture = capture_of(site.url("/briefing.html"))
    evidence = EvidenceFactory(source=capture.source)
    warc = capture.artifact(ArtifactKind.WARC)

    page = fact_checker_client.get(evidence.claim.get_absolute_url()).content.decode()

    assert "Captured" in page
    assert warc.sha256[:12] in page and f'data-copy="{warc.sha256}"' in page
    for kind in ("screenshot", "pdf", "text", "warc"):
        assert capture.artifact(kind).get_absolute_url() in page
    assert "Capture again" in page


def test_the_capture_block_polls_while_queued_and_stops_when_done(site, fact_checker_client):
    source = SourceFactory(url=site.url("/briefing.html"), outlet=None)
    capture = Capture.objects.create(source=source)
    url = reverse("captures:source_captures", args=[source.pk])

    queued = fact_checker_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in queued and "Capture queued" in queued

    archiving.run_capture(capture.pk)
    done = fact_checker_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done and "Captured" in done


def test_asking_for_a_capture_from_the_page(fact_checker_client, outsider, client):
    source = SourceFactory()
    url = reverse("captures:source_captures", args=[source.pk])

    response = fact_checker_client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Capture queued" in response.content.decode()
    assert Capture.objects.filter(source=source, state=JobState.QUEUED).count() == 1


def test_only_desk_members_ask_for_captures(client, outsider):
    source = SourceFactory()
    url = reverse("captures:source_captures", args=[source.pk])

    assert client.post(url).status_code == 302  # to sign in
    client.force_login(outsider)
    assert client.post(url).status_code == 403
    assert not Capture.objects.exists()


def test_stored_files_are_served_only_to_desk_members_with_their_hash(site, client, outsider, fact_checker):
    capture = capture_of(site.url("/briefing.html"))
    screenshot = capture.artifact(ArtifactKind.SCREENSHOT)
    url = screenshot.get_absolute_url()

    assert client.get(url).status_code == 302
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(fact_checker)
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == screenshot.sha256 == response["X-Content-SHA256"]
    assert response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]
    assert not url.startswith("/media") and not url.startswith("/static")


def test_a_captured_html_or_svg_file_is_a_sandboxed_download_never_a_page_of_the_desk(site, fact_checker_client):
    site.pages["/drawing.svg"] = Page(
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", content_type="image/svg+xml"
    )
    capture = capture_of(site.url("/drawing.svg"))
    response = fact_checker_client.get(capture.artifact(ArtifactKind.FILE).get_absolute_url())

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_missing_stored_file_is_a_404_not_a_500(site, fact_checker_client):
    capture = capture_of(site.url("/briefing.html"))
    text = capture.artifact(ArtifactKind.TEXT)
    archiving.capture_storage().delete(text.name)
    assert fact_checker_client.get(text.get_absolute_url()).status_code == 404


def test_the_warc_download_is_a_gzipped_warc(site, fact_checker_client):
    capture = capture_of(site.url("/briefing.html"))
    response = fact_checker_client.get(capture.artifact(ArtifactKind.WARC).get_absolute_url())
    body = b"".join(response.streaming_content)
    assert gzip.decompress(body).startswith(b"WARC/1.")
    assert response["Content-Disposition"] == f'attachment; filename="capture-{capture.pk}-warc.warc.gz"'


def test_the_claim_pages_queries_do_not_grow_with_captured_sources(fact_checker_client):
    def claim_with_captured_sources(count: int):
        claim = ClaimFactory()
        for _ in range(count):
            source = EvidenceFactory(claim=claim).source
            for state in (JobState.FAILED, JobState.DONE):
                capture = Capture.objects.create(source=source, state=state, finished_at=source.added_at)
                Artifact.objects.create(
                    capture=capture, kind="warc", name=f"{capture.pk}.warc.gz", sha256="0" * 64, size=1, media_type="x"
                )
        return claim

    def queries(claim) -> int:
        with CaptureQueriesContext(connection) as context:
            assert fact_checker_client.get(claim.get_absolute_url()).status_code == 200
        return len(context)

    assert queries(claim_with_captured_sources(20)) == queries(claim_with_captured_sources(1))


def test_a_source_captured_a_moment_ago_is_not_captured_again_at_once(fact_checker_client, fact_checker):
    source = SourceFactory()
    Capture.objects.create(source=source, state=JobState.DONE, finished_at=timezone.now())
    url = reverse("captures:source_captures", args=[source.pk])

    response = fact_checker_client.post(url, headers={"HX-Request": "true"})

    assert response.status_code == 409
    assert "captured less than a minute ago" in response.content.decode()
    assert Capture.objects.filter(source=source).count() == 1
    Capture.objects.filter(source=source).update(finished_at=timezone.now() - dt.timedelta(minutes=2))
    assert workflow.capture_request(source=source, user=fact_checker).state == JobState.QUEUED


def test_a_capture_that_crashes_unexpectedly_fails_saying_so_and_the_source_can_be_captured_again(
    site, settings, tmp_path, fact_checker
):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage expects a folder")
    settings.STORAGES = {
        **settings.STORAGES,
        "captures": {**settings.STORAGES["captures"], "OPTIONS": {"location": blocked}},
    }

    capture = capture_of(site.url("/briefing.html"))

    assert capture.state == JobState.FAILED
    assert capture.reason.startswith("The capture stopped on an unexpected error (")
    assert not capture.artifacts.exists()
    assert workflow.capture_request(source=capture.source, user=fact_checker).state == JobState.QUEUED


def test_a_capture_queued_for_long_says_that_no_worker_may_be_running(fact_checker_client):
    source = SourceFactory()
    capture = Capture.objects.create(source=source)
    url = reverse("captures:source_captures", args=[source.pk])
    assert "No worker has taken it yet" not in fact_checker_client.get(url).content.decode()

    Capture.objects.filter(pk=capture.pk).update(requested_at=timezone.now() - dt.timedelta(minutes=5))
    page = fact_checker_client.get(url).content.decode()
    assert "No worker has taken it yet" in page
    assert 'hx-trigger="every 2s"' in page  # still watching: a worker that starts now is seen at once
