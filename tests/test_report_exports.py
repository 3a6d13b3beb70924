"""A busy week's PDF and JSON, prepared by a worker (docs/report-format.md, "Busy weeks").

The worker's task is run in-process here (a procrastinate task is callable), inside the test's
transaction, so each test sees what the page sees between the request and the finished file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from claims import exports
from claims.models import JobState, ReportExport
from claims.reports import IsoWeek
from claims.tasks import export_report
from tests.test_reports import at

pytestmark = pytest.mark.django_db

WEEK = "2024-W20"
HTMX = {"HX-Request": "true"}
POLLING = 'hx-trigger="every 2s"'


@pytest.fixture(autouse=True)
def _files_in_a_temporary_folder(settings, tmp_path):
    """Each test's report files go to its own folder, never the developer's var/media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


@pytest.fixture
def busy_week(settings, decided_claim):
    """Week 2024-W20 with two verdicts, over a limit of one."""
    settings.TIME_ZONE = "Europe/Kyiv"
    settings.REPORT_INLINE_LIMIT = 1
    decided_claim("Robotyne was taken", logged=at(15, 10), decided=at(16, 9))
    decided_claim("Drones over Belgorod <b>", logged=at(15, 11), decided=at(17, 9))
    return WEEK


def prepare(client, fmt: str, week: str = WEEK, **headers):
    return client.post(reverse("claims:report_file_prepare", args=[week]), {"format": fmt}, headers=headers)


def status(client, export: ReportExport):
    return client.get(reverse("claims:report_file_status", args=[export.pk]), headers=HTMX)


def download(client, export: ReportExport):
    return client.get(reverse("claims:report_file_download", args=[export.pk]))


def jobs():
    return list(ProcrastinateJob.objects.filter(task_name="claims.tasks.export_report").values("queue_name", "args"))


def test_a_busy_week_offers_to_prepare_its_pdf_and_json_and_a_small_one_keeps_its_links(
    settings, busy_week, editor_client
):
    page = editor_client.get(reverse("claims:report", args=[WEEK])).content.decode()
    assert "Prepare the PDF" in page and "Prepare the JSON" in page
    assert reverse("claims:report_file_prepare", args=[WEEK]) in page
    assert f'href="/reports/weekly/{WEEK}.json"' not in page and f'href="/reports/weekly/{WEEK}.pdf"' not in page
    assert f'href="/reports/weekly/{WEEK}.csv"' in page  # the CSV streams: it stays a link

    settings.REPORT_INLINE_LIMIT = 2
    page = editor_client.get(reverse("claims:report", args=[WEEK])).content.decode()
    assert "Prepare the" not in page
    assert f'href="/reports/weekly/{WEEK}.json"' in page and f'href="/reports/weekly/{WEEK}.pdf"' in page


def test_the_json_is_queued_written_by_the_worker_and_downloaded_with_its_hash(
    settings, busy_week, editor_client, monkeypatch
):
    response = prepare(editor_client, "json", **HTMX)
    assert response.status_code == 200
    export = ReportExport.objects.get()
    assert (export.week, export.format, export.state) == (WEEK, "json", JobState.QUEUED)
    assert jobs() == [{"queue_name": "exports", "args": {"export_id": export.pk}}]
    block = response.content.decode()
    assert POLLING in block and "Waiting for a worker" in block

    # While the worker writes, each poll shows how far it got and asks again.
    seen = []
    progress = exports._progress

    def progress_and_poll(export_row, text):
        progress(export_row, text)
        seen.append((text, status(editor_client, export_row).content.decode()))

    monkeypatch.setattr(exports, "_progress", progress_and_poll)
    export_report(export_id=export.pk)

    assert [text for text, _ in seen] == ["Gathering 2 verdicts", "Writing the JSON"]
    for text, polled in seen:
        assert text in polled and POLLING in polled
    export.refresh_from_db()
    assert (export.state, export.progress) == (JobState.DONE, "Done")
    assert export.file_name.startswith(f"reports/{WEEK}/") and storages["default"].exists(export.file_name)
    with storages["default"].open(export.file_name, "rb") as stored:
        content = stored.read()
    assert hashlib.sha256(content).hexdigest() == export.sha256 and len(content) == export.size

    # Done: the block stops asking and offers the file.
    finished = status(editor_client, export).content.decode()
    assert POLLING not in finished and 'hx-get="' not in finished
    assert reverse("claims:report_file_download", args=[export.pk]) in finished and export.sha256 in finished

    got = download(editor_client, export)
    assert got.status_code == 200 and got["X-Content-SHA256"] == export.sha256
    assert got["Content-Type"] == "application/json"
    assert got["Content-Disposition"] == f'attachment; filename="newsdesk-{WEEK}.json"'
    assert b"".join(got.streaming_content) == content

    # Byte for byte what the direct download of a small week gives.
    settings.REPORT_INLINE_LIMIT = 2000
    direct = editor_client.get(reverse("claims:report_export", kwargs={"week": WEEK, "fmt": "json"}))
    assert direct.content == content
    assert json.loads(content)["verdicts"][1]["claim_id"] > 0


def test_the_pdf_is_rendered_by_the_worker(busy_week, fact_checker_client, monkeypatch):
    prepare(fact_checker_client, "pdf")
    export = ReportExport.objects.get()
    seen = []
    progress = exports._progress
    monkeypatch.setattr(exports, "_progress", lambda row, text: (seen.append(text), progress(row, text)))
    export_report(export_id=export.pk)
    assert seen == ["Gathering 2 verdicts", "Rendering the PDF"]
    export.refresh_from_db()
    got = download(fact_checker_client, export)
    content = b"".join(got.streaming_content)
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == export.sha256
    assert got["Content-Type"] == "application/pdf" and got["X-Content-SHA256"] == export.sha256


def test_without_javascript_the_form_goes_back_to_the_page(busy_week, editor_client):
    response = prepare(editor_client, "pdf")
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:report", args=[WEEK]) + "#report-file-pdf"
    page = editor_client.get(response["Location"]).content.decode()
    assert POLLING in page and "Waiting for a worker" in page
    # Polling without htmx (a bookmark) lands on the page as well.
    export = ReportExport.objects.get()
    plain = editor_client.get(reverse("claims:report_file_status", args=[export.pk]))
    assert plain.status_code == 302 and plain["Location"].startswith(reverse("claims:report", args=[WEEK]))


def test_one_file_is_written_at_a_time_per_week_and_format(busy_week, editor_client, fact_checker_client):
    prepare(editor_client, "json", **HTMX)
    prepare(fact_checker_client, "json", **HTMX)
    prepare(fact_checker_client, "pdf", **HTMX)
    assert sorted(ReportExport.objects.values_list("format", flat=True)) == ["json", "pdf"]
    assert len(jobs()) == 2


def test_a_past_week_reuses_its_finished_file(busy_week, editor_client, fact_checker_client):
    prepare(editor_client, "json")
    export = ReportExport.objects.get()
    export_report(export_id=export.pk)
    assert exports.is_final(ReportExport.objects.get())

    response = prepare(fact_checker_client, "json", **HTMX)
    assert ReportExport.objects.count() == 1 and len(jobs()) == 1
    block = response.content.decode()
    assert POLLING not in block and "Prepare the JSON" not in block
    assert reverse("claims:report_file_download", args=[export.pk]) in block
    # The direct address of the busy week leads to that file.
    direct = fact_checker_client.get(reverse("claims:report_export", kwargs={"week": WEEK, "fmt": "json"}))
    assert direct.status_code == 302 and direct["Location"] == reverse("claims:report_file_download", args=[export.pk])
    # Running the job twice (a job delivered again) writes nothing more.
    assert export_report(export_id=export.pk) is None


def test_the_current_week_is_written_again_on_request(settings, editor_client):
    settings.REPORT_INLINE_LIMIT = 0
    week = str(IsoWeek.containing(timezone.localdate()))
    prepare(editor_client, "json", week=week)
    first = ReportExport.objects.get()
    export_report(export_id=first.pk)
    first.refresh_from_db()
    assert first.state == JobState.DONE and not exports.is_final(first)

    block = prepare(editor_client, "json", week=week, **HTMX).content.decode()
    assert ReportExport.objects.count() == 2 and POLLING in block


def test_a_busy_week_without_a_finished_file_sends_the_direct_address_to_the_page(busy_week, editor_client):
    for fmt in ("json", "pdf"):
        response = editor_client.get(reverse("claims:report_export", kwargs={"week": WEEK, "fmt": fmt}))
        assert response.status_code == 302
        assert response["Location"] == reverse("claims:report", args=[WEEK]) + "#report-files"
    assert editor_client.get(reverse("claims:report_export", kwargs={"week": WEEK, "fmt": "csv"})).status_code == 200


def test_a_failed_file_says_so_and_can_be_prepared_again(busy_week, editor_client, monkeypatch):
    from claims import reports

    def broken(report):
        raise RuntimeError("Pango is missing")

    monkeypatch.setattr(reports, "as_pdf", broken)
    prepare(editor_client, "pdf")
    export = ReportExport.objects.get()
    with pytest.raises(RuntimeError):
        export_report(export_id=export.pk)
    export.refresh_from_db()
    assert export.state == JobState.FAILED and export.finished_at is not None
    block = status(editor_client, export).content.decode()
    assert POLLING not in block and "could not be written" in block and "Prepare the PDF" in block
    assert "Pango" not in block  # the error is in the worker's log, not on the page
    assert download(editor_client, export).status_code == 404

    prepare(editor_client, "pdf")
    assert ReportExport.objects.filter(state=JobState.QUEUED).count() == 1


def test_a_file_gone_from_storage_is_a_404_and_is_written_again(busy_week, editor_client):
    prepare(editor_client, "json")
    export = ReportExport.objects.get()
    export_report(export_id=export.pk)
    export.refresh_from_db()
    storages["default"].delete(export.file_name)
    assert download(editor_client, export).status_code == 404
    prepare(editor_client, "json")
    assert ReportExport.objects.count() == 2


@pytest.mark.parametrize("fmt", ["csv", "jsonld", "", "pdf\x00", "x" * 10_000])
def test_only_pdf_and_json_are_prepared(busy_week, editor_client, fmt):
    response = prepare(editor_client, fmt)
    assert response.status_code == 422
    assert not ReportExport.objects.exists() and not jobs()


def test_impossible_weeks_and_missing_files_are_404(editor_client):
    assert prepare(editor_client, "json", week="2023-W53").status_code == 404
    assert prepare(editor_client, "json", week="1899-W10").status_code == 404
    for pk in (1, 10**30):
        assert editor_client.get(reverse("claims:report_file_status", args=[pk]), headers=HTMX).status_code == 404
        assert editor_client.get(reverse("claims:report_file_download", args=[pk])).status_code == 404
    assert not ReportExport.objects.exists()


def test_an_unfinished_file_cannot_be_downloaded(busy_week, editor_client):
    prepare(editor_client, "json")
    assert download(editor_client, ReportExport.objects.get()).status_code == 404


# --- Who may ------------------------------------------------------------------------------------------


def finished_export() -> ReportExport:
    export = ReportExport.objects.create(week=WEEK, format="json")
    export_report(export_id=export.pk)
    return ReportExport.objects.get(pk=export.pk)


def test_anonymous_browsers_are_sent_to_sign_in(busy_week, client):
    export = finished_export()
    login = reverse("login")
    response = prepare(client, "json")
    assert response.status_code == 302 and response["Location"].startswith(login + "?next=")
    for url in (
        reverse("claims:report_file_status", args=[export.pk]),
        reverse("claims:report_file_download", args=[export.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(login + "?next="), url
    # Inside an htmx swap the whole browser goes to sign in, not the login page into the block.
    polled = client.get(reverse("claims:report_file_status", args=[export.pk]), headers=HTMX)
    assert polled.status_code == 200 and polled["HX-Redirect"].startswith(login + "?next=")
    assert ReportExport.objects.count() == 1 and len(jobs()) == 0


def test_an_account_without_a_role_is_refused(busy_week, client, outsider):
    export = finished_export()
    client.force_login(outsider)
    assert prepare(client, "json").status_code == 403
    assert prepare(client, "pdf", **HTMX).status_code == 403
    assert status(client, export).status_code == 403
    response = download(client, export)
    assert response.status_code == 403 and "X-Content-SHA256" not in response
    assert ReportExport.objects.count() == 1 and len(jobs()) == 0


def test_the_workflow_refuses_an_account_without_a_role(busy_week, outsider):
    from claims import workflow

    with pytest.raises(workflow.NotAllowed):
        workflow.report_export_request(week=WEEK, fmt="json", user=outsider)
    assert not ReportExport.objects.exists()


def test_the_database_keeps_one_unfinished_file_per_week_and_format(busy_week):
    from django.db import IntegrityError, transaction

    ReportExport.objects.create(week=WEEK, format="pdf")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportExport.objects.create(week=WEEK, format="pdf", state=JobState.RUNNING)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportExport.objects.create(week=WEEK, format="json", state=JobState.DONE, finished_at=dt.datetime.now(dt.UTC))
