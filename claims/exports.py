"""The PDF and JSON files of a busy week's report, written by a worker (docs/report-format.md, "Busy
weeks").

A week with tens of thousands of verdicts takes many seconds to write out, longer than a request may
take. `claims.workflow.report_export_request` records a ReportExport and queues
`claims.tasks.export_report`, which runs `run_export` here: it builds the file with the same
functions as the direct download (claims.reports), says how far it got in `progress` for the page to
show, stores the file under reports/ in the default storage and marks the export done with its
SHA-256 in one transaction afterwards, so a worker killed half way never leaves an export that says
"done" over a missing file; the retried job writes the same name again.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from claims import reports
from claims.models import ExportFormat, JobState, ReportExport

logger = logging.getLogger("newsdesk.exports")

MEDIA_TYPES = {ExportFormat.PDF: "application/pdf", ExportFormat.JSON: "application/json"}
FAILED = "The file could not be written; the error is in the worker's log. Prepare it again."


def storage():
    """Where report files are kept: the default storage (MEDIA_ROOT, var/media/), read at use time so a
    deployment or a test can point it elsewhere."""
    return storages["default"]


def file_name(export: ReportExport) -> str:
    return f"reports/{export.week}/{export.pk}-newsdesk-{export.week}.{export.format}"


def download_name(export: ReportExport) -> str:
    """What the browser saves it as: the same name as the direct download of that week."""
    return f"newsdesk-{export.week}.{export.format}"


def is_final(export: ReportExport) -> bool:
    """A finished file that stands for its week for good: the week had ended before the worker began
    reading it, and a past week's report never changes (docs/report-format.md)."""
    if export.state != JobState.DONE or export.started_at is None:
        return False
    return export.started_at >= reports.IsoWeek.parse(export.week).end


def run_export(export_id: int) -> ReportExport | None:
    """Write the export's file. None when it has finished already (a job delivered twice)."""
    export = _start(export_id)
    if export is None:
        return None
    try:
        content = _build(export)
        name = file_name(export)
        # The storage may hold this name from an attempt that was killed: replace it.
        storage().delete(name)
        saved = storage().save(name, ContentFile(content))
    except Exception:
        logger.exception("report export failed", extra={"event": "report_export", "export": export.pk})
        with transaction.atomic():
            ReportExport.objects.filter(pk=export.pk).update(
                state=JobState.FAILED, finished_at=timezone.now(), progress="Failed", reason=FAILED
            )
        raise
    with transaction.atomic():
        locked = ReportExport.objects.select_for_update().get(pk=export.pk)
        locked.file_name = saved
        locked.sha256 = hashlib.sha256(content).hexdigest()
        locked.size = len(content)
        locked.state = JobState.DONE
        locked.finished_at = timezone.now()
        locked.progress = "Done"
        locked.save()
    logger.info("report export finished", extra={"event": "report_export", "export": locked.pk, "size": locked.size})
    return locked


def _start(export_id: int) -> ReportExport | None:
    with transaction.atomic():
        export = ReportExport.objects.select_for_update().get(pk=export_id)
        if export.finished:
            return None
        export.state = JobState.RUNNING
        export.started_at = timezone.now()
        export.progress = "Starting"
        export.save(update_fields=["state", "started_at", "progress"])
    return export


def _progress(export: ReportExport, text: str) -> None:
    """Say how far the worker got; committed at once, so the page's next poll shows it."""
    ReportExport.objects.filter(pk=export.pk).update(progress=text)


def _build(export: ReportExport) -> bytes:
    report = reports.WeeklyReport(reports.IsoWeek.parse(export.week))
    count = report.count_verdicts()
    _progress(export, f"Gathering {count:,} verdict{'' if count == 1 else 's'}")
    # Read every row now, so that "Rendering" below is the rendering alone.
    report.claims  # noqa: B018
    report.verdict_rows()
    if export.format == ExportFormat.PDF:
        _progress(export, "Rendering the PDF")
        return reports.as_pdf(report)
    _progress(export, "Writing the JSON")
    return reports.json_document(report, settings.SITE_URL)
