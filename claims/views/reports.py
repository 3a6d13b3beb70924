"""The weekly report: the page, its files (CSV, JSON, JSON-LD, PDF), and busy weeks' files prepared
by a worker (docs/report-format.md)."""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from claims import exports as report_files
from claims import reports, workflow
from claims.models import (
    ExportFormat,
    JobState,
    ReportExport,
)
from claims.roles import desk_member_required
from claims.views.common import DeskRequest, Echo, stored_file_response

REPORT_PAGE_ROWS = 200


@require_GET
@desk_member_required
def report_current(request: DeskRequest) -> HttpResponse:
    """/reports/weekly/ → this week's report, or the week picked in the week picker."""
    picked = request.GET.get("week", "")
    try:
        week = reports.IsoWeek.parse(picked) if picked else reports.IsoWeek.containing(timezone.localdate())
    except ValueError as error:
        well_formed = reports.WEEK_PATTERN.fullmatch(picked)  # a real week the desk keeps no report for
        messages.error(
            request, str(error) if well_formed else f"“{picked[:20]}” is not a week; pick one like 2024-W20."
        )
        week = reports.IsoWeek.containing(timezone.localdate())
    return redirect("claims:report", week=str(week))


@require_GET
@desk_member_required
def report_weekly(request: DeskRequest, week: str) -> HttpResponse:
    # A busy week has a hundred thousand verdicts: the page shows the first rows of each list and
    # points to the CSV and JSON files, which hold them all.
    report = _report_for(week)
    context = reports.page_context(report, limit=REPORT_PAGE_ROWS)
    if report.count_verdicts() > settings.REPORT_INLINE_LIMIT:
        # Too many to write out while the browser waits: a worker prepares the PDF and JSON
        # (docs/report-format.md, "Busy weeks"). One query for both files.
        context["report_files"] = _report_files(report.week)
    return render(request, "claims/report_weekly.html", context)


@require_GET
@desk_member_required
def report_export(request: DeskRequest, week: str, fmt: str) -> HttpResponseBase:
    report = _report_for(week)
    site = settings.SITE_URL  # the same links whichever address the file was downloaded from
    filename = f"newsdesk-{report.week}.{fmt}"
    if fmt in ExportFormat.values and report.count_verdicts() > settings.REPORT_INLINE_LIMIT:
        # Writing this out would outlast the request (docs/report-format.md, "Busy weeks"): hand over
        # the week's final prepared file, or send the person to the page that prepares one.
        final = _report_files(report.week, only=fmt)[0]
        if final["export"] is not None and final["final"]:
            return redirect("claims:report_file_download", pk=final["export"].pk)
        messages.info(request, f"Week {report.week} is too busy to write out while you wait: prepare the file here.")
        return redirect(reverse("claims:report", args=[str(report.week)]) + "#report-files")
    response: HttpResponseBase
    if fmt == "csv":
        writer = csv.writer(Echo())
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in reports.csv_rows(report, site)), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "pdf":
        response = HttpResponse(reports.as_pdf(report), content_type="application/pdf")
    elif fmt == "jsonld":
        response = JsonResponse(
            reports.claim_reviews(report, site),
            safe=False,
            content_type="application/ld+json",
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
    else:
        # The same bytes a prepared file of a busy week has (claims.exports).
        response = HttpResponse(reports.json_document(report, site), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@desk_member_required
def report_file_prepare(request: DeskRequest, week: str) -> HttpResponse:
    """Queue the PDF or JSON file of a busy week (or hand back the past week's finished one)."""
    workflow.ensure_allowed(request.user, "export_report")
    report_week = _report_for(week).week
    fmt = request.POST.get("format", "")
    export = workflow.report_export_request(week=str(report_week), fmt=fmt, user=request.user)
    if not request.htmx:
        return redirect(reverse("claims:report", args=[str(report_week)]) + f"#report-file-{export.format}")
    context = {"file": _report_file(export.format, export), "week": report_week}
    return render(request, "claims/_report_file.html", context)


@require_GET
@vary_on_headers("HX-Request")
@desk_member_required
def report_file_status(request: DeskRequest, pk: int) -> HttpResponse:
    """The block of one prepared file, which polls this while the worker writes it."""
    export = get_object_or_404(ReportExport, pk=pk)
    week = reports.IsoWeek.parse(export.week)
    if not request.htmx:
        return redirect(reverse("claims:report", args=[str(week)]) + f"#report-file-{export.format}")
    return render(request, "claims/_report_file.html", {"file": _report_file(export.format, export), "week": week})


@require_GET
@desk_member_required
def report_file_download(request: DeskRequest, pk: int) -> FileResponse:
    export = get_object_or_404(ReportExport, pk=pk, state=JobState.DONE)
    try:
        handle = report_files.storage().open(export.file_name, "rb")
    except FileNotFoundError as error:
        raise Http404("This file is no longer stored; prepare it again from the report's page.") from error
    return stored_file_response(
        handle,
        sha256=export.sha256,
        filename=report_files.download_name(export),
        content_type=report_files.MEDIA_TYPES[ExportFormat(export.format)],
    )


def _report_files(week: reports.IsoWeek, only: str | None = None) -> list[dict]:
    """The PDF and JSON blocks of a busy week's page: for each format the export to show (one under
    way, else the newest finished file, else the newest failure), in one query."""
    formats = [only] if only else [ExportFormat.PDF, ExportFormat.JSON]
    newest = (
        ReportExport.objects.filter(week=str(week), format__in=formats)
        .order_by("format", "state", "-requested_at", "-id")
        .distinct("format", "state")
    )
    by_format: dict[str, dict[str, ReportExport]] = {}
    for export in newest:
        by_format.setdefault(export.format, {})[export.state] = export
    files = []
    for fmt in formats:
        found = by_format.get(fmt, {})
        shown = (
            found.get(JobState.RUNNING)
            or found.get(JobState.QUEUED)
            or found.get(JobState.DONE)
            or found.get(JobState.FAILED)
        )
        files.append(_report_file(fmt, shown))
    return files


def _report_file(fmt: str, export: ReportExport | None) -> dict:
    final = export is not None and report_files.is_final(export)
    return {
        "format": fmt,
        "label": ExportFormat(fmt).label,
        "export": export,
        "final": final,
        # A past week's final file stands; a file of a week still running can be made again with
        # what changed since. Nothing is offered while one is being written.
        "can_prepare": export is None or (export.finished and not final),
    }


def _report_for(week: str) -> reports.WeeklyReport:
    try:
        return reports.WeeklyReport(reports.IsoWeek.parse(week))
    except ValueError as error:
        raise Http404(str(error)) from error
