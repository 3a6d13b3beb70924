"""Background jobs of the claims app on procrastinate (docs/report-format.md, "Busy weeks").

A job is a row in the desk's PostgreSQL, deferred in the same transaction as the ReportExport row
that asks for it (claims.workflow.report_export_request), so the two commit together. Exports have
a queue of their own, so a long PDF never holds up the captures.
"""

from __future__ import annotations

from procrastinate.contrib.django import app

from claims import exports


@app.task(queue="exports")
def export_report(export_id: int) -> None:
    # No retries: a failure is recorded on the export and the page offers to prepare it again. A
    # worker that dies mid-job is handled by captures.tasks.retry_stalled_jobs, and run_export starts
    # a running export over.
    exports.run_export(export_id)
