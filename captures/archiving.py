"""Making a capture: fetch, keep the exchange as WARC, the main text, a screenshot and a PDF.

`run_capture` is what the worker runs (captures.tasks). Files are written first and the capture is
marked done in one transaction with its artifact rows afterwards, so a worker killed half way never
leaves a capture that says "done" over missing or half-written files; the retried job writes the
same names again.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import trafilatura
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from captures import browser, fetcher, savepagenow
from captures.models import Artifact, ArtifactKind, Capture, capture_storage
from claims.models import JobState

logger = logging.getLogger("newsdesk.captures")

HTML_TYPES = {"text/html", "application/xhtml+xml"}
TOOLS = ["httpx", "warcio", "trafilatura", "playwright"]
EXTENSIONS = {
    "text/html": "html",
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/svg+xml": "svg",
    "video/mp4": "mp4",
    "text/plain": "txt",
    "application/json": "json",
}


@dataclass
class Made:
    kind: str
    content: bytes
    media_type: str
    extension: str


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def tool_versions() -> dict[str, str]:
    versions = {}
    for tool in TOOLS:
        with contextlib.suppress(PackageNotFoundError):
            versions[tool] = version(tool)
    return versions


def main_text(html: bytes, url: str) -> str:
    """The page's main text (no menus, adverts or footers), or "" when there is none to find."""
    return trafilatura.extract(html, url=url, include_comments=False, favor_recall=True) or ""


def start(capture_id: int) -> Capture | None:
    """Mark the capture running; None when it has finished already (a job delivered twice)."""
    with transaction.atomic():
        capture = Capture.objects.select_for_update().select_related("source").get(pk=capture_id)
        if capture.finished:
            return None
        capture.state = JobState.RUNNING
        capture.started_at = timezone.now()
        capture.attempts += 1
        capture.save(update_fields=["state", "started_at", "attempts"])
    return capture


def run_capture(capture_id: int, *, final_attempt: bool = True) -> Capture | None:
    """Capture the source. A transient failure (unreachable, timed out) raises fetcher.FetchFailed
    for the queue to retry unless this is the final attempt; every other outcome is recorded."""
    capture = start(capture_id)
    if capture is None:
        return None
    try:
        return _capture(capture, final_attempt=final_attempt)
    except fetcher.FetchFailed:
        raise  # a transient failure the queue retries (_capture has put the capture back in the queue)
    except Exception as error:
        # Anything unforeseen (storage refused, a disk full, a parser crash) still ends the capture, so
        # the source is never stuck "running" and can be captured again; the trace goes to the log.
        logger.exception("capture crashed", extra={"event": "capture", "capture": capture.pk})
        reason = f"The capture stopped on an unexpected error ({type(error).__name__}); try capturing again."
        return _finish(capture, [], state=JobState.FAILED, reason=reason, hops=[], versions=tool_versions())


def _capture(capture: Capture, *, final_attempt: bool) -> Capture:
    url = capture.source.url
    versions = tool_versions()
    made: list[Made] = []
    problems: list[str] = []
    try:
        fetched = fetcher.fetch(url)
    except fetcher.FetchError as error:
        if error.transient and not final_attempt:
            with transaction.atomic():
                Capture.objects.filter(pk=capture.pk).update(state=JobState.QUEUED, reason=f"Retrying: {error.reason}")
            raise
        if error.hops:
            made.append(_warc(error.hops))
        return _finish(capture, made, state=JobState.FAILED, reason=error.reason, hops=error.hops, versions=versions)

    final = fetched.final
    made.append(_warc(fetched.hops))
    if final.status >= 400:
        reason = f"The server answered {final.status} {final.reason_phrase}".rstrip() + "."
        return _finish(capture, made, state=JobState.FAILED, reason=reason, hops=fetched.hops, versions=versions)
    if 300 <= final.status < 400:
        reason = f"The server answered {final.status} without saying where the page went."
        return _finish(capture, made, state=JobState.FAILED, reason=reason, hops=fetched.hops, versions=versions)

    try:
        body = final.decoded_body()
    except fetcher.FetchError as error:  # it inflates past what the desk keeps of one address
        return _finish(capture, made, state=JobState.FAILED, reason=error.reason, hops=fetched.hops, versions=versions)
    media_type = final.media_type or "application/octet-stream"
    if media_type in HTML_TYPES:
        text = main_text(body, final.url)
        if text:
            made.append(Made(ArtifactKind.TEXT, text.encode(), "text/plain; charset=utf-8", "txt"))
        else:
            problems.append("No main text: the page has none the desk could find.")
        try:
            rendering = browser.render(final.url, body, media_type)
        except browser.RenderUnavailable as error:
            problems.append(str(error))
        else:
            versions["chromium"] = rendering.browser_version
            made.append(Made(ArtifactKind.SCREENSHOT, rendering.screenshot, "image/png", "png"))
            made.append(Made(ArtifactKind.PDF, rendering.pdf, "application/pdf", "pdf"))
    else:
        made.append(Made(ArtifactKind.FILE, body, media_type, EXTENSIONS.get(media_type, "bin")))

    archive_url = ""
    if savepagenow.enabled():
        try:
            archive_url = savepagenow.submit(url)
        except savepagenow.SavePageNowError as error:
            problems.append(str(error))
    return _finish(
        capture,
        made,
        state=JobState.DONE,
        reason=" ".join(problems),
        hops=fetched.hops,
        versions=versions,
        archive_url=archive_url,
    )


def _finish(capture: Capture, made: list[Made], *, state, reason, hops, versions, archive_url="") -> Capture:
    storage = capture_storage()
    stored = []
    for item in made:
        name = f"{capture.source_id}/{capture.pk}/{item.kind}.{item.extension}"
        # The storage may hold this name from an attempt that was killed: replace it.
        storage.delete(name)
        saved = storage.save(name, ContentFile(item.content))
        stored.append((item, saved))
    final = hops[-1] if hops else None
    with transaction.atomic():
        locked = Capture.objects.select_for_update().get(pk=capture.pk)
        locked.artifacts.all().delete()
        Artifact.objects.bulk_create(
            Artifact(
                capture=locked,
                kind=item.kind,
                name=saved,
                sha256=sha256_of(item.content),
                size=len(item.content),
                media_type=item.media_type,
            )
            for item, saved in stored
        )
        locked.state = state
        locked.finished_at = timezone.now()
        locked.reason = reason
        locked.http_status = final.status if final else None
        locked.final_url = final.url if final else ""
        locked.tool_versions = versions
        locked.archive_url = archive_url
        locked.save()
    logger.info("capture finished", extra={"event": "capture", "capture": locked.pk, "state": state})
    return locked


def _warc(hops: list[fetcher.Hop]) -> Made:
    """The exchange as a gzipped WARC file: a request and a response record for every hop."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    writer.write_record(
        writer.create_warcinfo_record(
            "capture.warc.gz", {"software": "newsdesk capture", **{k: v for k, v in tool_versions().items()}}
        )
    )
    for hop in hops:
        target = f"{hop.url}"
        status_line = f"{hop.status} {hop.reason_phrase}".strip()
        response_headers = StatusAndHeaders(status_line, hop.response_headers, protocol=hop.http_version)
        warc_headers = {"WARC-IP-Address": hop.address}
        response = writer.create_warc_record(
            target,
            "response",
            payload=io.BytesIO(hop.body),
            length=len(hop.body),
            http_headers=response_headers,
            warc_headers_dict=warc_headers,
        )
        path = fetcher.httpx.URL(hop.url).raw_path.decode("ascii")
        request_headers = StatusAndHeaders(
            f"GET {path}", hop.request_headers, protocol="HTTP/1.1", is_http_request=True
        )
        request = writer.create_warc_record(target, "request", http_headers=request_headers)
        writer.write_request_response_pair(request, response)
    return Made(ArtifactKind.WARC, buffer.getvalue(), "application/warc", "warc.gz")
