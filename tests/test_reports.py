from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from claims import workflow
from claims.models import Claim, Claimant, Evidence, Review, Stance, Status
from claims.reports import IsoWeek, WeeklyReport
from tests.factories import (
    AffiliationFactory,
    ClaimFactory,
    EvidenceFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

KYIV = ZoneInfo("Europe/Kyiv")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2024, 5, day, hour, minute, tzinfo=KYIV)


def test_weeks_parse_and_run_monday_to_sunday_in_the_newsroom_time_zone(settings):
    settings.TIME_ZONE = "Europe/Kyiv"
    week = IsoWeek.parse("2024-W20")
    assert (week.start, week.end) == (at(13, 0), at(20, 0))
    assert (str(week.previous), str(week.following)) == ("2024-W19", "2024-W21")
    assert str(IsoWeek.parse("2020-W53").following) == "2021-W01"
    for bad in ["2024-W54", "2023-W53", "2024-W00", "2024-20", "x"]:
        with pytest.raises(ValueError):
            IsoWeek.parse(bad)


def test_a_verdict_at_sunday_2330_local_belongs_to_that_week(settings, decided_claim):
    settings.TIME_ZONE = "Europe/Kyiv"
    claim = decided_claim("Late Sunday verdict", logged=at(15, 10), decided=at(19, 23, 30))
    assert at(19, 23, 30).astimezone(dt.UTC).date() == dt.date(2024, 5, 19)  # 20:30 UTC
    this_week, next_week = WeeklyReport(IsoWeek(2024, 20)), WeeklyReport(IsoWeek(2024, 21))
    assert [review.claim_id for review in this_week.verdicts] == [claim.pk]
    assert next_week.verdicts == []
    assert dict(this_week.verdicts_per_day)[dt.date(2024, 5, 19)][Status.CORROBORATED] == 1


def test_a_verdict_at_monday_0030_local_belongs_to_the_next_week(settings, decided_claim):
    settings.TIME_ZONE = "Europe/Kyiv"
    decided_claim("Just after midnight", logged=at(15, 10), decided=at(20, 0, 30))
    assert WeeklyReport(IsoWeek(2024, 20)).verdicts == []
    assert len(WeeklyReport(IsoWeek(2024, 21)).verdicts) == 1


def render_all(client, week="2024-W20") -> tuple[str, ...]:
    """The report in every format; for HTML the report itself (the page around it has a fresh CSRF
    token), for the PDF its text (the file itself records when it was made)."""
    from pypdf import PdfReader

    def export(fmt):
        return client.get(reverse("claims:report_export", kwargs={"week": week, "fmt": fmt}))

    page = client.get(reverse("claims:report", kwargs={"week": week})).content.decode()
    html = page[page.index('<article class="report">') : page.index("</article>")]
    csv_text = b"".join(export("csv").streaming_content).decode()
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(export("pdf").content)).pages)
    return html, csv_text, export("json").content.decode(), export("jsonld").content.decode(), pdf_text


def test_later_changes_do_not_change_a_past_week_in_any_format(
    settings, editor_client, decided_claim, second_fact_checker, second_editor
):
    settings.TIME_ZONE = "Europe/Kyiv"
    claim = decided_claim("Robotyne was taken", logged=at(15, 10), decided=at(16, 9))
    ClaimFactory(text="Drones over Belgorod", created_at=at(17, 8), updated_at=at(17, 8))
    before = render_all(editor_client)

    # The week after: the wording is edited, evidence is removed, and the claim is decided again.
    Claim.objects.filter(pk=claim.pk).update(text="Robotyne: edited later", version=2, updated_at=at(22, 9))
    Evidence.objects.filter(claim=claim).delete()
    EvidenceFactory(claim=claim, stance=Stance.CONTRADICTS)
    again = ReviewFactory(
        claim=claim,
        previous_status=Status.CORROBORATED,
        proposed_status=Status.FALSE,
        proposed_by=second_fact_checker,
    )
    workflow.review_approve(review=again, user=second_editor)
    Review.objects.filter(pk=again.pk).update(decided_at=at(23, 9))
    ClaimFactory(text="Logged the week after", created_at=at(21, 9), updated_at=at(21, 9))

    # …and the claimant is renamed and moved to another side.
    Claimant.objects.filter(pk=claim.claimant_id).update(name="Renamed ministry", affiliation=AffiliationFactory())

    assert render_all(editor_client) == before
    assert "Robotyne was taken" in before[0] and "Robotyne: edited later" not in before[0]
    assert "Renamed ministry" not in "".join(before)
    next_week = WeeklyReport(IsoWeek(2024, 21))
    assert [(review.claim_id, review.proposed_status) for review, _ in next_week.corrections] == [
        (claim.pk, Status.FALSE)
    ]


def test_status_at_week_end_is_rebuilt_from_reviews_not_the_current_status(settings, decided_claim):
    settings.TIME_ZONE = "Europe/Kyiv"
    claim = decided_claim("Confirmed later", logged=at(15, 10), decided=at(22, 10))
    report = WeeklyReport(IsoWeek(2024, 20))
    assert Claim.objects.get(pk=claim.pk).status == Status.CORROBORATED
    assert [row.status for row in report.claims] == [Status.UNVERIFIED]
    assert dict((value, count) for value, _, count in report.status_counts)[Status.UNVERIFIED] == 1
    total, backlog = report.backlog
    assert total == 1 and backlog[0]["id"] == claim.pk


def test_csv_parses_and_defuses_formulas(settings, editor_client, decided_claim):
    settings.TIME_ZONE = "Europe/Kyiv"
    decided_claim('=HYPERLINK("http://evil.example","click")', logged=at(15, 10), decided=at(16, 9))
    ClaimFactory(text="+1 drone", created_at=at(15, 11), updated_at=at(15, 11))
    csv_text = render_all(editor_client)[1]
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert [row["claim"] for row in rows] == ['\'=HYPERLINK("http://evil.example","click")', "'+1 drone"]
    assert rows[0]["status_at_week_end"] == "corroborated" and rows[0]["independent"] == "1"
    assert rows[0]["claim_url"].startswith("http://127.0.0.1:8000/claims/")  # SITE_URL, whoever downloads it
    # Both dates, at the end of the row: the day it was said and when the desk logged it (local time).
    assert list(rows[1])[-2:] == ["claimed_on", "logged_at"]
    claim = Claim.objects.get(text="+1 drone")
    assert rows[1]["claimed_on"] == claim.claimed_on.isoformat()
    assert rows[1]["logged_at"] == "2024-05-15T11:00:00+03:00" == at(15, 11).isoformat()
    # A claim without a verdict: no decision, but its counts are numbers all the same.
    assert [rows[1][column] for column in ("decided_by", "corroborating", "independent", "contradicting")] == [
        "",
        "0",
        "0",
        "0",
    ]


def test_json_has_the_documented_shape(settings, editor_client, decided_claim):
    settings.TIME_ZONE = "Europe/Kyiv"
    decided_claim("Robotyne was taken", logged=at(15, 10), decided=at(16, 9))
    data = json.loads(render_all(editor_client)[2])
    assert (data["format"], data["version"], data["week"]) == ("newsdesk-weekly-report", 1, "2024-W20")
    assert set(data) == {
        "format",
        "version",
        "newsroom",
        "week",
        "time_zone",
        "starts_at",
        "ends_at",
        "claims",
        "verdicts",
        "corrections",
        "status_counts_at_week_end",
        "backlog",
        "by_claimant",
    }
    assert set(data["claims"][0]) == {
        "id",
        "url",
        "text",
        "claimant",
        "logged_at",
        "status_at_week_end",
        "previous_status",
        "appearances",
    }
    verdict = data["verdicts"][0]
    assert (verdict["from"], verdict["to"], verdict["correction"]) == ("unverified", "corroborated", False)
    assert verdict["evidence"]["independent"] == 1 and verdict["evidence"]["sources"][0]["independent"] is True
    assert data["status_counts_at_week_end"]["corroborated"] == 1


def test_report_page_links_weeks_and_formats(editor_client):
    page = editor_client.get(reverse("claims:report", kwargs={"week": "2024-W20"})).content.decode()
    for href in [
        "/reports/weekly/2024-W19/",
        "/reports/weekly/2024-W21/",
        "/reports/weekly/2024-W20.csv",
        "/reports/weekly/2024-W20.json",
    ]:
        assert f'href="{href}"' in page


def test_current_week_and_the_week_picker(editor_client):
    response = editor_client.get(reverse("claims:report_current"))
    assert response.status_code == 302 and response["Location"].startswith("/reports/weekly/20")
    assert (
        editor_client.get(reverse("claims:report_current"), {"week": "2024-W20"})["Location"]
        == "/reports/weekly/2024-W20/"
    )
    bad = editor_client.get(reverse("claims:report_current"), {"week": "soon"}, follow=True)
    assert "is not a week" in bad.content.decode()


def test_impossible_weeks_are_404(editor_client):
    assert editor_client.get("/reports/weekly/2023-W53/").status_code == 404
    assert editor_client.get("/reports/weekly/2024-W20.xml").status_code == 404


def test_reports_need_a_desk_role(client, outsider):
    url = reverse("claims:report", kwargs={"week": "2024-W20"})
    assert client.get(url).status_code == 302
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    assert client.get(reverse("claims:report_export", kwargs={"week": "2024-W20", "fmt": "csv"})).status_code == 403


def test_report_query_count_does_not_grow_with_the_week(settings, editor_client, decided_claim):
    from tests.queries import assert_query_count_stays_flat

    settings.TIME_ZONE = "Europe/Kyiv"
    for day in range(13, 15):
        decided_claim(f"Claim of day {day}", logged=at(day, 9), decided=at(day, 18))
    assert_query_count_stays_flat(
        editor_client,
        reverse("claims:report", kwargs={"week": "2024-W20"}),
        lambda: [decided_claim(f"More {n}", logged=at(16, 9, n), decided=at(17, 9, n)) for n in range(10)],
    )


def test_the_command_writes_each_format(settings, tmp_path, decided_claim):
    from django.core.management import CommandError, call_command

    settings.TIME_ZONE = "Europe/Kyiv"
    decided_claim("Robotyne was taken", logged=at(15, 10), decided=at(16, 9))
    for fmt in ["csv", "json", "jsonld", "html"]:  # the PDF is read back in test_the_pdf_has_pages
        target = tmp_path / f"w20.{fmt}"
        call_command("weekly_report", "--week", "2024-W20", "--format", fmt, "--output", str(target))
        assert "Robotyne was taken" in target.read_text(encoding="utf-8"), fmt
    assert json.loads((tmp_path / "w20.json").read_text())["week"] == "2024-W20"
    assert "<style>" in (tmp_path / "w20.html").read_text()  # a file that stands alone
    with pytest.raises(CommandError, match="2023 has no week 53"):
        call_command("weekly_report", "--week", "2023-W53")


def test_the_command_defaults_to_last_week(capsys):
    from django.core.management import call_command

    call_command("weekly_report", "--format", "json")
    week = json.loads(capsys.readouterr().out)["week"]
    from django.utils import timezone

    assert week == str(IsoWeek.containing(timezone.localdate() - dt.timedelta(days=7)))


def test_the_claims_list_downloads_as_csv_under_its_filters(fact_checker_client):
    ClaimFactory(text="=1+1 inside a claim", tags=["Crimea"])
    ClaimFactory(text="Another claim")
    Claim.objects.filter(text="Another claim").update(status=Status.FALSE)
    response = fact_checker_client.get(reverse("claims:export"), {"status": "unverified"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(row["claim"], row["tags"]) for row in rows] == [("'=1+1 inside a claim", "Crimea")]
    assert fact_checker_client.get(reverse("claims:export"), {"status": "maybe"}).status_code == 400


def test_the_list_links_its_csv_with_the_current_filters(fact_checker_client):
    ClaimFactory()
    page = fact_checker_client.get(reverse("claims:list"), {"status": "unverified"}).content.decode()
    assert 'href="/claims/export.csv?status=unverified"' in page


def test_the_list_export_needs_a_role(client, outsider):
    assert client.get(reverse("claims:export")).status_code == 302
    client.force_login(outsider)
    assert client.get(reverse("claims:export")).status_code == 403


def test_the_pdf_has_pages_and_the_claims_text(settings, editor_client, decided_claim):
    from pypdf import PdfReader

    settings.TIME_ZONE = "Europe/Kyiv"
    decided_claim("Ten ATACMS missiles were shot down over Crimea", logged=at(15, 10), decided=at(16, 9))
    ClaimFactory(text="Підрозділи відійшли біля Вовчанська", created_at=at(15, 11), updated_at=at(15, 11))
    response = editor_client.get(reverse("claims:report_export", kwargs={"week": "2024-W20", "fmt": "pdf"}))
    assert response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert len(pdf.pages) >= 1
    assert "Ten ATACMS missiles were shot down over Crimea" in " ".join(text.split())
    assert "Вовчанська" in text and "Week 20, 2024" in text


def test_a_very_busy_week_lists_a_bounded_number_of_rows_in_the_pdf(settings):
    from claims.reports import page_context

    settings.TIME_ZONE = "Europe/Kyiv"
    for n in range(5):
        ClaimFactory(text=f"Busy {n}", created_at=at(15, 10, n), updated_at=at(15, 10, n))
    context = page_context(WeeklyReport(IsoWeek(2024, 20)), limit=3)
    assert len(context["logged_rows"]) == 3 and context["logged_omitted"] == 2


def test_the_web_page_of_a_busy_week_lists_the_first_rows_and_points_to_the_files(
    settings, editor_client, monkeypatch, decided_claim
):
    from claims.views import reports as report_views

    settings.TIME_ZONE = "Europe/Kyiv"
    monkeypatch.setattr(report_views, "REPORT_PAGE_ROWS", 2)
    for n in range(3):
        decided_claim(f"Busy verdict {n}", logged=at(14, 9, n), decided=at(15, 10, n))
    page = editor_client.get(reverse("claims:report", args=["2024-W20"])).content.decode()
    assert "… and 1 more verdict: the CSV and JSON files list them all." in page
    assert sum(f"Busy verdict {n}" in page for n in range(3)) == 2


def test_claims_read_in_batches_are_the_same_claims(settings, decided_claim):
    settings.TIME_ZONE = "Europe/Kyiv"
    for n in range(5):
        decided_claim(f"Batch {n}", logged=at(15, 10, n), decided=at(16, 9, n))
    report = WeeklyReport(IsoWeek(2024, 20))
    assert [claim.pk for claim in report.iter_claims(batch_size=2)] == [claim.pk for claim in report.claims]
    assert [claim.decision.pk for claim in report.iter_claims(batch_size=2)] == [
        claim.decision.pk for claim in report.claims
    ]


def test_a_week_across_the_clock_change_runs_midnight_to_midnight_local(settings):
    settings.TIME_ZONE = "Europe/Kyiv"
    week = IsoWeek.parse("2024-W13")  # clocks go forward on Sunday 31 March 2024
    assert week.start == dt.datetime(2024, 3, 25, 0, tzinfo=KYIV) and week.start.utcoffset() == dt.timedelta(hours=2)
    assert week.end == dt.datetime(2024, 4, 1, 0, tzinfo=KYIV) and week.end.utcoffset() == dt.timedelta(hours=3)
    assert week.end.astimezone(dt.UTC) - week.start.astimezone(dt.UTC) == dt.timedelta(hours=167)  # a short week
    late = dt.datetime(2024, 3, 31, 23, 30, tzinfo=KYIV)
    assert week.start <= late < week.end


def test_a_week_pattern_allows_nothing_around_it():
    for text in ["2024-W20\n", " 2024-W20", "2024-W20x"]:
        with pytest.raises(ValueError):
            IsoWeek.parse(text)


def test_a_correction_and_a_merge_after_the_week_leave_it_identical_in_every_format(
    settings, editor_client, decided_claim, second_editor
):
    settings.TIME_ZONE = "Europe/Kyiv"
    original = decided_claim("Robotyne was taken by Russian forces", logged=at(15, 10), decided=at(16, 9))
    duplicate = ClaimFactory(
        text="Russian forces took Robotyne", claimant=original.claimant, created_at=at(17, 8), updated_at=at(17, 8)
    )
    EvidenceFactory(claim=duplicate, stance=Stance.CONTEXT)
    before = render_all(editor_client)
    assert "Russian forces took Robotyne" in before[0]

    # Later (now): an editor corrects the decided claim's wording with a reason, and merges the
    # duplicate into it (its evidence moves, it becomes an appearance of the original).
    workflow.claim_update(
        claim=original,
        user=second_editor,
        version=Claim.objects.get(pk=original.pk).version,
        values={"text": "Russian forces entered Robotyne"},
        claimant=workflow.ClaimantChoice(name=original.claimant.name),
        tags=[],
        reason="The ministry said entered, not took.",
    )
    workflow.claim_merge(duplicate=duplicate, into=original.pk, user=second_editor, reason="The same claim.")

    assert render_all(editor_client) == before
    report = json.loads(before[2])
    assert report["corrections"] == []
    assert [claim["appearances"] for claim in report["claims"]] == [[], []]
    # The week they happened in lists the correction.
    now_week = WeeklyReport(IsoWeek.containing(dt.date.today()))
    [correction] = now_week.wording_corrections
    assert correction.reason == "The ministry said entered, not took."
    assert correction.changes == [
        {"field": "Text", "before": "Robotyne was taken by Russian forces", "after": "Russian forces entered Robotyne"}
    ]


# --- The capture behind each key source (docs/report-format.md, "capture") ---------------------------


def captured(source, finished: dt.datetime, *, state="done", files=("warc", "text")):
    """A capture of the source finished at `finished`, with a file of each kind (hashes made up)."""
    from captures.models import Artifact, Capture

    capture = Capture.objects.create(source=source, state=state, requested_at=finished, finished_at=finished)
    for kind in files:
        Artifact.objects.create(
            capture=capture,
            kind=kind,
            name=f"{source.pk}/{capture.pk}/{kind}",
            sha256=hashlib.sha256(f"{capture.pk} {kind}".encode()).hexdigest(),
            size=1,
            media_type="application/octet-stream",
        )
    return capture


def test_json_gives_each_key_source_its_capture_as_it_stood_at_the_week_end(settings, editor_client, decided_claim):
    settings.TIME_ZONE = "Europe/Kyiv"
    claim = decided_claim("Robotyne was taken", logged=at(15, 10), decided=at(16, 9))
    uncaptured = decided_claim("Drones over Belgorod", logged=at(15, 11), decided=at(16, 10))
    source = Evidence.objects.get(claim=claim).source
    captured(source, at(14, 8))  # older than the one that counts
    counted = captured(source, at(19, 23, 59), files=("warc", "text", "screenshot", "pdf"))
    captured(source, at(19, 23, 30), state="failed")  # a failed capture is never the desk's copy
    captured(source, at(20, 0, 1))  # finished after the week's end: a later week's copy
    captured(Evidence.objects.get(claim=uncaptured).source, at(21, 9))  # only after the week

    data = json.loads(render_all(editor_client)[2])
    sources = {verdict["claim_id"]: verdict["evidence"]["sources"] for verdict in data["verdicts"]}
    files = {artifact.kind: artifact.sha256 for artifact in counted.artifacts.all()}
    assert sources[claim.pk][0]["capture"] == {
        "sha256": files["warc"],
        "captured_at": "2024-05-19T23:59:00+03:00",
        "files": dict(sorted(files.items())),
    }
    assert sources[uncaptured.pk][0]["capture"] is None
    # The review's stored snapshot is quoted, not changed.
    assert "capture" not in Review.objects.get(claim=claim).evidence_snapshot["sources"][0]


def test_a_capture_made_later_leaves_a_past_week_identical(settings, editor_client, decided_claim):
    settings.TIME_ZONE = "Europe/Kyiv"
    claim = decided_claim("Robotyne was taken", logged=at(15, 10), decided=at(16, 9))
    captured(Evidence.objects.get(claim=claim).source, at(17, 9))
    before = render_all(editor_client)
    captured(Evidence.objects.get(claim=claim).source, at(25, 9))
    assert render_all(editor_client) == before


def test_json_query_count_does_not_grow_with_captured_sources(settings, editor_client, decided_claim):
    from tests.queries import query_count

    settings.TIME_ZONE = "Europe/Kyiv"
    url = reverse("claims:report_export", kwargs={"week": "2024-W20", "fmt": "json"})

    def add(count: int, offset: int) -> None:
        for n in range(count):
            claim = decided_claim(f"Claim {offset + n}", logged=at(14, 9, offset + n), decided=at(15, 9, offset + n))
            captured(Evidence.objects.get(claim=claim).source, at(15, 8))

    add(2, 0)
    few = query_count(editor_client, url)
    add(10, 2)
    assert query_count(editor_client, url) == few


def test_the_week_under_way_says_it_is_not_over_and_counts_ages_to_now(editor_client):
    from django.utils import timezone

    from tests.factories import ClaimFactory

    claim = ClaimFactory(created_at=timezone.now() - dt.timedelta(days=1))
    report = WeeklyReport(IsoWeek.containing(timezone.localdate()))
    assert report.provisional and report.as_of <= timezone.now() < report.end
    _, rows = report.backlog
    assert [row["age_days"] for row in rows if row["id"] == claim.pk] == [1]  # not counted to Sunday night
    page = editor_client.get(reverse("claims:report_current"), follow=True).content.decode()
    assert "This week is not over:" in page and "open now" in page
    assert "Statuses are as they stood at the end of the week." not in page

    past = WeeklyReport(IsoWeek.containing(timezone.localdate()).previous)
    assert not past.provisional and past.as_of == past.end


def test_the_status_chart_has_room_for_every_label_and_the_day_chart_a_legend(editor_client):
    page = editor_client.get(reverse("claims:report_current"), follow=True).content.decode()
    assert '<svg class="chart" viewBox="0 0 200 154"' in page  # labels get 60 of 200 units, bars start after
    assert page.count('font-size="7.5"') >= 14  # a label and a count for each of the seven statuses
    legend = page[page.index('<ul class="chart-legend"') :]
    assert all(label in legend[: legend.index("</ul>")] for label in ("Unverified", "Corroborated", "Unverifiable"))
