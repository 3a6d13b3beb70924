"""Captures on the page: a source's captures (polled while one runs), asking for another, and the
stored files, which only signed-in desk members can open (never a public path)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from captures.models import Artifact, ArtifactKind, captures_prefetch
from claims import workflow
from claims.models import Source
from claims.roles import desk_member_required
from claims.templatetags.desk import form_context
from claims.views.common import DeskRequest, next_path, stored_file_response

# Shown in the browser: what Chromium made and plain text. Anything else (a captured page's own
# file can be HTML, SVG or a script) is a download, sandboxed, so it can never run on the desk's origin.
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}


@require_http_methods(["GET", "POST"])
@desk_member_required
def source_captures(request: DeskRequest, pk: int) -> HttpResponse:
    """GET: the source's captures (the block polls itself while one is queued or running).
    POST: capture the source again; earlier captures are kept."""
    if request.method == "POST":
        workflow.capture_request(source=get_object_or_404(Source, pk=pk), user=request.user)
        if not request.htmx:
            return redirect(next_path(request, reverse("claims:source", args=[pk])))
    # Read once with everything the block shows: a block under way asks for this every two seconds.
    source = get_object_or_404(Source.objects.select_related("watch").prefetch_related(captures_prefetch()), pk=pk)
    block = {"source": source, "captures": list(source.captures.all()), **form_context(request)}
    return render(request, "captures/captures.html", block, using="jinja2")


@require_GET
@desk_member_required
def artifact_download(request: DeskRequest, pk: int) -> FileResponse:
    artifact = get_object_or_404(Artifact.objects.select_related("capture"), pk=pk)
    try:
        handle = artifact.open()
    except FileNotFoundError as error:
        raise Http404("The stored file is missing; `manage.py verify_captures` lists what is.") from error
    base_type = artifact.media_type.split(";")[0]
    inline = base_type in INLINE_TYPES
    extension = artifact.name.rsplit(".", 1)[-1] if "." in artifact.name else "bin"
    if artifact.kind == ArtifactKind.WARC:
        extension = "warc.gz"
    response = stored_file_response(
        handle,
        sha256=artifact.sha256,
        content_type=artifact.media_type if inline else "application/octet-stream",
        as_attachment=not inline,
        filename=f"capture-{artifact.capture_id}-{artifact.kind}.{extension}",
    )
    # A stored file is evidence, not part of the desk: it may never run script here.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response
