"""The weekly report (docs/report-format.md): what the desk established in one ISO week.

A past week's report must read the same whenever it is generated, because partners quote it. So
nothing here reads a claim's current status: the status at any moment is rebuilt from the reviews
approved before it; the claim's wording is read from its audit history as it stood at the week's end;
and the evidence behind a verdict is the snapshot the editor approved on (Review.evidence_snapshot).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from psycopg import postgres, pq

from captures.models import Artifact, ArtifactKind, Capture
from claims import claimreview
from claims.models import Appearance, Claim, Correction, Decision, JobState, Review, Source, Status, id_url
from claims.people import display_name, name_from_parts

STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "newsdesk.css"
WEEK_PATTERN = re.compile(r"(\d{4})-W(\d{2})", re.ASCII)  # ASCII: \d would take ٢٠٢٤ too
# The years whose weeks have reports. A week's report reaches a week either side of it (its links,
# and its end, which is the next Monday) and moves its bounds between the newsroom's zone and UTC,
# so in the years 1 and 9999 that arithmetic leaves Python's dates (year 1 to 9999). 1900 is well
# before anything a desk checks and still far from that edge; 9998's last week ends on a date of
# 9999. Every week in between, and its neighbours, is written with a four-digit year, which the
# report URLs require.
FIRST_YEAR, LAST_YEAR = 1900, 9998
BACKLOG_ROWS = 50
CLAIM_BATCH = 2000  # claims sent over the wire at a time when a report is written out
TIMESTAMPTZ = postgres.types["timestamptz"].oid


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """ "2024-W20" → IsoWeek(2024, 20); ValueError for anything that is not a real ISO week."""
        match = WEEK_PATTERN.fullmatch(text)
        if not match:
            raise ValueError(f"{text!r} is not a week like 2024-W20.")
        year, week = int(match[1]), int(match[2])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"The desk keeps reports for the years between {FIRST_YEAR} and {LAST_YEAR}, not {year}.")
        try:
            dt.date.fromisocalendar(year, week, 1)
        except ValueError as error:  # week 0, or a week 53 in a year of 52
            raise ValueError(f"{year} has no week {week}.") from error
        return cls(year, week)

    @classmethod
    def containing(cls, day: dt.date) -> IsoWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.week:02d}"

    @property
    def monday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 1)

    @property
    def days(self) -> list[dt.date]:
        return [self.monday + dt.timedelta(days=offset) for offset in range(7)]

    @property
    def start(self) -> dt.datetime:
        """Monday 00:00 in the newsroom's time zone."""
        return dt.datetime.combine(self.monday, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))

    @property
    def end(self) -> dt.datetime:
        """Sunday 24:00, that is the next Monday 00:00 (the week is [start, end))."""
        return self.following.start

    @property
    def previous(self) -> IsoWeek:
        return IsoWeek.containing(self.monday - dt.timedelta(days=7))

    @property
    def following(self) -> IsoWeek:
        return IsoWeek.containing(self.monday + dt.timedelta(days=7))

    @property
    def has_previous(self) -> bool:
        return self.previous.year >= FIRST_YEAR

    @property
    def has_following(self) -> bool:
        return self.following.year <= LAST_YEAR


def on_desk_at(moment: dt.datetime) -> Q:
    """Claims on the desk at `moment`: a duplicate merged later still counts in an earlier week."""
    return Q(merged_into__isnull=True) | Q(merged_at__gte=moment)


def status_at(moment: dt.datetime):
    """An expression for a claim's status at `moment`: the last review approved before it."""
    approved = Review.objects.filter(claim=OuterRef("pk"), decision=Decision.APPROVED, decided_at__lt=moment)
    latest = approved.order_by("-decided_at", "-id").values("proposed_status")[:1]
    return Coalesce(Subquery(latest), Value(Status.UNVERIFIED))


def rows_at(event_model: str, ids, moment: dt.datetime) -> dict[int, object]:
    """Rows as they stood at `moment`, from their audit history: the last version written before it.

    A row whose history starts after `moment` (rows loaded in bulk, or a test's single transaction)
    is read in its first recorded version, never as it is now. Two queries.
    """
    events = apps.get_model("claims", event_model).objects.filter(pgh_obj_id__in=set(ids))
    found = {
        event.pgh_obj_id: event
        for event in events.filter(pgh_created_at__lt=moment).order_by("pgh_obj_id", "-pgh_id").distinct("pgh_obj_id")
    }
    missing = set(ids) - set(found)
    if missing:
        first = events.filter(pgh_obj_id__in=missing).order_by("pgh_obj_id", "pgh_id").distinct("pgh_obj_id")
        found.update({event.pgh_obj_id: event for event in first})
    return found


def claimants_at(claimant_ids, moment: dt.datetime) -> dict[int, tuple[str, str, str]]:
    """(name, affiliation name, kind) of each claimant as it stood at `moment`."""
    claimants = rows_at("ClaimantEvent", claimant_ids, moment)
    affiliations = rows_at(
        "AffiliationEvent", {row.affiliation_id for row in claimants.values() if row.affiliation_id}, moment
    )
    return {
        pk: (row.name, affiliations[row.affiliation_id].name if row.affiliation_id in affiliations else "", row.kind)
        for pk, row in claimants.items()
    }


@dataclass(frozen=True)
class Verdict:
    """A claim's last verdict of the week, as the CSV and ClaimReview quote it."""

    pk: int
    decided_at: dt.datetime
    decided_by: str  # the editor's name
    rationale: str
    snapshot_json: str  # Review.evidence_snapshot as stored; parsed when first read

    @cached_property
    def evidence_snapshot(self) -> dict:
        return json.loads(self.snapshot_json)


@dataclass
class ReportClaim:
    """One claim as the report shows it."""

    pk: int
    url: str
    text: str
    claimant: str
    affiliation: str
    status: str  # at the week's end
    previous_status: str  # at the week's start
    logged_at: dt.datetime
    decision: Verdict | None = None  # the last verdict of the week, if any
    claimant_kind: str = ""
    first_verdict_at: dt.datetime | None = None
    claimed_on: dt.date | None = None
    origin_url: str = ""

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def previous_label(self) -> str:
        return Status(self.previous_status).label

    @property
    def evidence(self) -> dict:
        return self.decision.evidence_snapshot if self.decision else {}

    @property
    def sources(self) -> list[dict]:
        return self.evidence.get("sources", [])


def _as_of(event_table: str, columns: str, row_id: str) -> str:
    """A subquery for one row as it stood at %(end)s, by the rule of rows_at: the last version
    recorded before then, else the first version recorded. Only our own names go into the text."""
    return f"""
        SELECT {columns} FROM {event_table} WHERE pgh_obj_id = {row_id}
        ORDER BY pgh_created_at < %(end)s DESC, CASE WHEN pgh_created_at < %(end)s THEN -pgh_id ELSE pgh_id END
        LIMIT 1"""  # noqa: S608


# The claims of a week with everything the report says about each, in the report's order, in one
# statement. Only ids and times are sorted; each claim is then joined, in that order, to its wording
# and claimant as the audit history had them at the week's end and to its approved reviews (the
# LATERAL ... LIMIT 1 joins keep the order, so the wide rows are never sorted). Reviews: the last
# one approved before the end gives the status then, and is the week's verdict if approved in it;
# the last one before the start gives the status then; the first one dates the first verdict.
WEEK_CLAIMS_SQL = f"""
WITH week_claims AS (
    SELECT id, created_at FROM claims_claim WHERE created_at >= %(start)s AND created_at < %(end)s
    UNION ALL
    SELECT id, created_at FROM claims_claim
    WHERE created_at < %(start)s AND id IN (
        SELECT claim_id FROM claims_review
        WHERE decision = %(approved)s AND decided_at >= %(start)s AND decided_at < %(end)s
    )
)
SELECT
    claim.id, claim.created_at, wording.text, wording.claimed_on, wording.origin_url,
    claimant.name, affiliation.name, claimant.kind,
    coalesce(reviews.status_at_end, %(unverified)s), coalesce(reviews.status_at_start, %(unverified)s),
    reviews.first_decided_at, verdict.id, verdict.decided_at, verdict.rationale, verdict.evidence_snapshot,
    editor.first_name, editor.last_name, editor.username
FROM (SELECT id, created_at FROM week_claims ORDER BY created_at, id) AS claim
LEFT JOIN LATERAL ({_as_of("claims_claimevent", "text, claimant_id, claimed_on, origin_url", "claim.id")}
) AS wording ON true
LEFT JOIN LATERAL ({_as_of("claims_claimantevent", "name, kind, affiliation_id", "wording.claimant_id")}
) AS claimant ON true
LEFT JOIN LATERAL ({_as_of("claims_affiliationevent", "name", "claimant.affiliation_id")}
) AS affiliation ON true
LEFT JOIN LATERAL (
    SELECT
        (array_agg(proposed_status ORDER BY decided_at DESC, id DESC))[1] AS status_at_end,
        (array_agg(proposed_status ORDER BY decided_at DESC, id DESC) FILTER (WHERE decided_at < %(start)s))[1]
            AS status_at_start,
        (array_agg(id ORDER BY decided_at DESC, id DESC))[1] AS last_id,
        min(decided_at) AS first_decided_at
    FROM claims_review WHERE claim_id = claim.id AND decision = %(approved)s AND decided_at < %(end)s
) AS reviews ON true
LEFT JOIN LATERAL (
    SELECT id, decided_at, decided_by_id, rationale, evidence_snapshot FROM claims_review
    WHERE id = reviews.last_id AND decided_at >= %(start)s LIMIT 1
) AS verdict ON true
LEFT JOIN LATERAL (
    SELECT first_name, last_name, username FROM auth_user WHERE id = verdict.decided_by_id LIMIT 1
) AS editor ON true
ORDER BY claim.created_at, claim.id
"""  # noqa: S608


# The newest capture each key source of the week's verdicts had at the week's end, with the hash of
# every file it kept, in one statement whatever the number of verdicts (docs/report-format.md,
# "capture"). Verdicts quote their sources by URL (Review.evidence_snapshot), and a source's URL is
# unique and never rewritten, so the URL finds the source. A capture finished after the week's end
# is never used: a past week's report does not change.
KEY_SOURCE_CAPTURES_SQL = f"""
SELECT source.url, latest.finished_at, files.files
FROM {Source._meta.db_table} AS source
CROSS JOIN LATERAL (
    SELECT id, finished_at FROM {Capture._meta.db_table}
    WHERE source_id = source.id AND state = %(done)s AND finished_at <= %(end)s
    ORDER BY finished_at DESC, id DESC LIMIT 1
) AS latest
LEFT JOIN LATERAL (
    SELECT jsonb_object_agg(kind, sha256)::text AS files
    FROM {Artifact._meta.db_table} WHERE capture_id = latest.id
) AS files ON true
WHERE source.url IN (
    SELECT quoted->>'url'
    FROM {Review._meta.db_table} AS review,
        jsonb_array_elements(
            CASE WHEN jsonb_typeof(review.evidence_snapshot->'sources') = 'array'
            THEN review.evidence_snapshot->'sources' ELSE '[]'::jsonb END
        ) AS quoted
    WHERE review.decision = %(approved)s AND review.decided_at >= %(start)s AND review.decided_at < %(end)s
)
"""  # noqa: S608


class WeeklyReport:
    """Everything the report shows for one week, in a fixed number of queries."""

    def __init__(self, week: IsoWeek):
        self.week = week
        self.start, self.end = week.start, week.end
        # The week under way is shown as it stands now, and says so; a past week as it ended.
        self.as_of = min(self.end, timezone.now())
        self.provisional = self.as_of < self.end

    @cached_property
    def verdicts(self) -> list[Review]:
        """Status changes approved this week, in the order they were made."""
        return list(self._week_verdicts().select_related("decided_by", "proposed_by").order_by("decided_at", "id"))

    def _week_verdicts(self):
        return Review.objects.filter(decision=Decision.APPROVED, decided_at__gte=self.start, decided_at__lt=self.end)

    @cached_property
    def claims(self) -> list[ReportClaim]:
        """The claims of the week: logged in it or given a verdict in it (for the page and JSON)."""
        return list(self.iter_claims())

    def claims_statement(self) -> tuple[str, dict]:
        """The week's claims query and its parameters: iter_claims and the benchmark's COPY floor both run it."""
        params = {"start": self.start, "end": self.end, "approved": Decision.APPROVED, "unverified": Status.UNVERIFIED}
        return WEEK_CLAIMS_SQL, params

    def iter_claims(self, batch_size: int = CLAIM_BATCH):
        """The claims of the week, read from one query as they stream in, so a file of any size is
        written in flat memory; `batch_size` rows come over the wire at a time.

        Nothing else may query the database while the claims are being read (see _streamed_rows).
        """
        sql, params = self.claims_statement()
        for row in _streamed_rows(sql, params, batch_size):
            (pk, logged_at, text, claimed_on, origin_url, claimant, affiliation, kind) = row[:8]
            (status, previous_status, first_verdict_at, verdict_id, decided_at, rationale, snapshot) = row[8:15]
            editor = row[15:]  # first name, last name, username
            yield ReportClaim(
                pk=pk,
                url=id_url("claims:detail", pk),
                text=text,
                claimant=claimant,
                affiliation=affiliation or "",
                status=status,
                previous_status=previous_status,
                logged_at=logged_at,
                decision=None
                if verdict_id is None
                else Verdict(verdict_id, decided_at, name_from_parts(*editor), rationale, snapshot),
                claimant_kind=kind,
                first_verdict_at=first_verdict_at,
                claimed_on=claimed_on,
                origin_url=origin_url,
            )

    @cached_property
    def _claims_by_pk(self) -> dict[int, ReportClaim]:
        return {claim.pk: claim for claim in self.claims}

    def verdict_rows(self) -> list[tuple[Review, ReportClaim]]:
        return [(review, self._claims_by_pk[review.claim_id]) for review in self.verdicts]

    @property
    def logged(self) -> list[ReportClaim]:
        return [claim for claim in self.claims if self.start <= claim.logged_at < self.end]

    @property
    def corrections(self) -> list[tuple[Review, ReportClaim]]:
        """Verdicts that changed a status an earlier report had already published."""
        return [(review, claim) for review, claim in self.verdict_rows() if review.previous_status != Status.UNVERIFIED]

    @cached_property
    def status_counts(self) -> list[tuple[str, str, int]]:
        """Claims logged before the week's end, by their status at the end."""
        counts = dict(
            Claim.objects.filter(on_desk_at(self.end), created_at__lt=self.end)
            .annotate(status_at_end=status_at(self.end))
            .values_list("status_at_end")
            .annotate(count=Count("id"))
            .order_by()
        )
        return Status.counted(counts)

    @cached_property
    def backlog(self) -> tuple[int, list[dict]]:
        """Open at the week's end: still unverified, or waiting for an editor. The oldest first."""
        waiting = Review.objects.filter(claim=OuterRef("pk"), proposed_at__lt=self.end).filter(
            Q(decided_at__isnull=True) | Q(decided_at__gte=self.end)
        )
        open_claims = (
            Claim.objects.filter(on_desk_at(self.end), created_at__lt=self.end)
            .annotate(status_at_end=status_at(self.end), in_review=Subquery(waiting.values("proposed_status")[:1]))
            .filter(Q(status_at_end=Status.UNVERIFIED) | Q(in_review__isnull=False))
        )
        total = open_claims.count()
        oldest = list(open_claims.order_by("created_at", "id")[:BACKLOG_ROWS])
        wording = rows_at("ClaimEvent", [claim.pk for claim in oldest], self.end)
        claimants = claimants_at({event.claimant_id for event in wording.values()}, self.end)
        rows = [
            {
                "id": claim.pk,
                "text": wording[claim.pk].text,
                "claimant": claimants[wording[claim.pk].claimant_id][0],
                "status": claim.status_at_end,
                "in_review": claim.in_review,
                "age_days": (self.as_of - claim.created_at).days,
            }
            for claim in oldest
        ]
        return total, rows

    @cached_property
    def wording_corrections(self) -> list[Correction]:
        """Changes an editor made this week to what a decided claim says, with the reason."""
        corrections = Correction.objects.filter(made_at__gte=self.start, made_at__lt=self.end)
        return list(corrections.select_related("made_by").order_by("made_at", "id"))

    @property
    def correction_count(self) -> int:
        return len(self.corrections) + len(self.wording_corrections)

    @cached_property
    def appearances(self) -> dict[int, list[claimreview.Appeared]]:
        """The appearances each claim of the week had at the week's end (claimants as named then)."""
        ids = [claim.pk for claim in self.claims]
        rows = list(
            Appearance.objects.filter(claim_id__in=ids, added_at__lt=self.end).order_by("appeared_on", "added_at", "id")
        )
        claimants = claimants_at({row.claimant_id for row in rows}, self.end)
        found: dict[int, list[claimreview.Appeared]] = {}
        for row in rows:
            name, _, kind = claimants[row.claimant_id]
            found.setdefault(row.claim_id, []).append(claimreview.Appeared(row.origin_url, row.appeared_on, name, kind))
        return found

    @cached_property
    def key_source_captures(self) -> dict[str, dict]:
        """The `capture` object of each key source of the week's verdicts, by the source's URL: its
        newest capture done by the week's end (docs/report-format.md). One query."""
        zone = ZoneInfo(settings.TIME_ZONE)
        params = {"done": JobState.DONE, "approved": Decision.APPROVED, "start": self.start, "end": self.end}
        using = router.db_for_read(Claim)
        with connections[using].cursor() as cursor:
            cursor.execute(KEY_SOURCE_CAPTURES_SQL, params)
            rows = cursor.fetchall()
        found = {}
        for url, finished_at, files_json in rows:
            files = dict(sorted(json.loads(files_json).items())) if files_json else {}
            found[url] = {
                "sha256": files.get(ArtifactKind.WARC.value),
                "captured_at": finished_at.astimezone(zone).isoformat(),
                "files": files,
            }
        return found

    def count_verdicts(self) -> int:
        """How many verdicts the week has, without reading them (one indexed count)."""
        if "verdicts" in self.__dict__:
            return len(self.verdicts)
        return self._week_verdicts().count()

    @property
    def by_claimant(self) -> list[tuple[str, int, int]]:
        """(claimant, claims logged this week, verdicts this week), the busiest first."""
        logged = Counter(claim.claimant for claim in self.logged)
        decided = Counter(self._claims_by_pk[review.claim_id].claimant for review in self.verdicts)
        names = set(logged) | set(decided)
        return sorted(
            ((name, logged[name], decided[name]) for name in names), key=lambda row: (-row[1] - row[2], row[0])
        )

    @property
    def verdicts_per_day(self) -> list[tuple[dt.date, Counter]]:
        zone = ZoneInfo(settings.TIME_ZONE)
        per_day = {day: Counter() for day in self.week.days}
        for review in self.verdicts:
            per_day[review.decided_at.astimezone(zone).date()][review.proposed_status] += 1
        return list(per_day.items())


# --- Exchange formats -------------------------------------------------------------------------------

JSON_FORMAT_VERSION = 1
CSV_COLUMNS = [
    "claim_id",
    "claim",
    "claimant",
    "affiliation",
    "status_at_week_end",
    "previous_status",
    "decided_by",
    "decided_at",
    "rationale",
    "corroborating",
    "independent",
    "contradicting",
    "source_urls",
    "claim_url",
    "claimed_on",
    "logged_at",
]
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_rows(report: WeeklyReport, site: str):
    """The header, then one row per claim of the week; cells a spreadsheet would run are defused.

    Only cells people typed can start like a formula (wording, names, rationales; source addresses are
    http(s) by the model's constraint, but are defused too): ids, statuses, counts, times and the
    desk's own addresses are written as they are, which keeps a 100,000-row week quick.
    """
    yield CSV_COLUMNS
    zone = ZoneInfo(settings.TIME_ZONE)
    # Counts are numbers on every row, so a spreadsheet or a data frame reads the columns as numbers: a
    # claim without a verdict this week stood on no evidence for one (docs/report-format.md, "CSV").
    no_verdict = ["", "", "", 0, 0, 0, ""]
    safe = spreadsheet_safe
    for claim in report.iter_claims():
        if decision := claim.decision:
            evidence = decision.evidence_snapshot
            verdict = [
                safe(decision.decided_by),
                decision.decided_at.astimezone(zone).isoformat(),
                safe(decision.rationale),
                evidence.get("corroborating", 0),
                evidence.get("independent", 0),
                evidence.get("contradicting", 0),
                safe(" ".join(source["url"] for source in evidence.get("sources", []))),
            ]
        else:
            verdict = no_verdict
        yield [
            claim.pk,
            safe(claim.text),
            safe(claim.claimant),
            safe(claim.affiliation),
            claim.status,
            claim.previous_status,
            *verdict,
            site + claim.url,
            claim.claimed_on.isoformat() if claim.claimed_on else "",
            claim.logged_at.astimezone(zone).isoformat(),
        ]


def as_json(report: WeeklyReport, site: str) -> dict:
    """The report as documented in docs/report-format.md."""
    zone = ZoneInfo(settings.TIME_ZONE)
    total, backlog = report.backlog
    captures = report.key_source_captures
    return {
        "format": "newsdesk-weekly-report",
        "version": JSON_FORMAT_VERSION,
        "newsroom": settings.NEWSROOM_NAME,
        "week": str(report.week),
        "time_zone": settings.TIME_ZONE,
        "starts_at": report.start.isoformat(),
        "ends_at": report.end.isoformat(),
        "claims": [
            {
                "id": claim.pk,
                "url": site + claim.url,
                "text": claim.text,
                "claimant": {"name": claim.claimant, "affiliation": claim.affiliation or None},
                "logged_at": claim.logged_at.astimezone(zone).isoformat(),
                "status_at_week_end": claim.status,
                "previous_status": claim.previous_status,
                "appearances": [
                    {"claimant": seen.claimant, "date": seen.on.isoformat(), "url": seen.url}
                    for seen in report.appearances.get(claim.pk, [])
                ],
            }
            for claim in report.claims
        ],
        "verdicts": [
            {
                "claim_id": review.claim_id,
                "from": review.previous_status,
                "to": review.proposed_status,
                "rationale": review.rationale,
                "proposed_by": display_name(review.proposed_by),
                "decided_by": display_name(review.decided_by),
                "decided_at": review.decided_at.astimezone(zone).isoformat(),
                "correction": review.previous_status != Status.UNVERIFIED,
                "evidence": _with_captures(review.evidence_snapshot, captures),
            }
            for review, _ in report.verdict_rows()
        ],
        "corrections": [
            {
                "claim_id": correction.claim_id,
                "url": site + reverse("claims:detail", args=[correction.claim_id]),
                "made_at": correction.made_at.astimezone(zone).isoformat(),
                "made_by": display_name(correction.made_by),
                "reason": correction.reason,
                "verdict": correction.status,
                "changes": correction.changes,
            }
            for correction in report.wording_corrections
        ],
        "status_counts_at_week_end": {value: count for value, _, count in report.status_counts},
        "backlog": {"open": total, "oldest": backlog},
        "by_claimant": [
            {"claimant": name, "logged": logged, "verdicts": verdicts} for name, logged, verdicts in report.by_claimant
        ],
    }


def _with_captures(evidence: dict, captures: dict[str, dict]) -> dict:
    """The verdict's evidence with each key source's `capture` (None when the desk had no copy by
    the week's end). A new dict: the review's own snapshot is left as it was stored."""
    if not isinstance(evidence.get("sources"), list):
        return evidence
    return {
        **evidence,
        "sources": [
            {**source, "capture": captures.get(source.get("url"))} if isinstance(source, dict) else source
            for source in evidence["sources"]
        ],
    }


def json_document(report: WeeklyReport, site: str) -> bytes:
    """The JSON file, byte for byte as the download and a prepared export give it (UTF-8, indented)."""
    return json.dumps(as_json(report, site), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def _streamed_rows(sql: str, params: dict, batch_size: int):
    """The rows of `sql` as the server sends them, in flat memory. The database works out the next
    rows while Python writes out these (with a server-side cursor the two would take turns).

    The connection stays busy until the last row, and psycopg holds its lock meanwhile: another
    query from this thread would wait forever, so one is refused with an error instead.
    """

    def refuse(*args):
        raise RuntimeError("The weekly report is still reading its rows on this connection; read them first.")

    using = router.db_for_read(Claim)  # a read replica, where one is set up for reports
    # Rows come a batch at a time where the client library can (libpq 17 and later).
    size = batch_size if pq.version() >= 170000 else 1
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        # Compiling the statement to machine code (JIT) takes longer than it saves here.
        cursor.execute("SET LOCAL jit = off")
        # psycopg's own reader of times, in C, takes a third of the time of Django's; both give
        # aware datetimes in the session's time zone.
        cursor.cursor.adapters.register_loader(TIMESTAMPTZ, postgres.adapters.get_loader(TIMESTAMPTZ, pq.Format.TEXT))
        with connections[using].execute_wrapper(refuse):
            yield from cursor.cursor.stream(sql, params, size=size)


# --- The page and the document ---------------------------------------------------------------------


def page_context(report: WeeklyReport, *, limit: int | None = None, document: bool = False) -> dict:
    """What the report templates need, for the web page, the HTML file and the PDF alike.

    `limit` caps the verdicts, logged claims, corrections and claimants listed (the PDF), so a very
    busy week still gives a readable document built in bounded time; the page then says how many more
    the CSV and JSON hold. A `document` (the HTML file, the PDF) links to the desk by its full
    address, SITE_URL.
    """
    total, backlog = report.backlog
    verdicts, logged = report.verdict_rows(), report.logged
    corrections, by_claimant = report.corrections, report.by_claimant
    return {
        "report": report,
        "link_base": settings.SITE_URL if document else "",
        "verdict_rows": verdicts[:limit],
        "verdicts_omitted": max(len(verdicts) - limit, 0) if limit else 0,
        "logged_rows": logged[:limit],
        "logged_omitted": max(len(logged) - limit, 0) if limit else 0,
        "correction_rows": corrections[:limit],
        "wording_correction_rows": report.wording_corrections[:limit],
        "corrections_omitted": max(len(corrections) - limit, 0) if limit else 0,
        "claimant_rows": by_claimant[:limit],
        "claimants_omitted": max(len(by_claimant) - limit, 0) if limit else 0,
        "week": report.week,
        "backlog_total": total,
        "backlog": backlog,
        "status_chart": status_chart(report.status_counts),
        "chart_legend": [(label, STATUS_COLOURS[value]) for value, label in Status.choices],
        "day_chart": day_chart(report.verdicts_per_day),
        "newsroom_name": settings.NEWSROOM_NAME,
        # Our own stylesheet, inlined into standalone documents (never user data).
        "stylesheet": mark_safe(STYLESHEET.read_text(encoding="utf-8")),  # noqa: S308
    }


def status_chart(counts: list[tuple[str, str, int]]) -> list[dict]:
    """Horizontal bars, one per status, in a 200-unit-wide chart: 110 units for the largest count, the
    rest for the label (room for "Unverifiable" at a readable size) and the number."""
    largest = max((count for _, _, count in counts), default=0) or 1
    return [
        {
            "value": value,
            "label": label,
            "count": count,
            "colour": STATUS_COLOURS[value],
            "width": round(110 * count / largest, 2),
            "y": index * 22,
        }
        for index, (value, label, count) in enumerate(counts)
    ]


def day_chart(per_day) -> list[dict]:
    """Stacked columns of verdicts per day, heights as percentages of the busiest day."""
    busiest = max((sum(counter.values()) for _, counter in per_day), default=0) or 1
    days = []
    for index, (day, counter) in enumerate(per_day):
        segments, bottom = [], 100.0
        for value, label in Status.choices:
            height = 100 * counter.get(value, 0) / busiest
            if height:
                bottom -= height
                segments.append(
                    {
                        "value": value,
                        "label": label,
                        "count": counter[value],
                        "colour": STATUS_COLOURS[value],
                        "y": round(bottom, 2),
                        "height": round(height, 2),
                    }
                )
        days.append({"day": day, "x": index * 14 + 2, "segments": segments, "total": sum(counter.values())})
    return days


LIST_CSV_COLUMNS = [
    "claim_id",
    "claim",
    "claimant",
    "affiliation",
    "status",
    "priority",
    "assignee",
    "claimed_on",
    "logged_at",
    "tags",
    "claim_url",
]


def list_csv_rows(claims, site: str):
    """Rows for an export of the claims list; `claims` is iterated once, so memory stays flat."""
    yield LIST_CSV_COLUMNS
    zone = ZoneInfo(settings.TIME_ZONE)
    for claim in claims:
        yield [
            spreadsheet_safe(value)
            for value in [
                claim.pk,
                claim.text,
                claim.claimant.name,
                claim.claimant.affiliation.name if claim.claimant.affiliation else "",
                claim.status,
                claim.get_priority_display(),
                display_name(claim.assignee),
                claim.claimed_on.isoformat(),
                claim.created_at.astimezone(zone).isoformat(),
                ", ".join(sorted(tag.name for tag in claim.tags.all())),
                site + reverse("claims:detail", args=[claim.pk]),
            ]
        ]


def claim_reviews(report: WeeklyReport, site: str) -> list[dict]:
    """ClaimReview objects for the claims given a verdict this week (their status at the week's end)."""
    reviews = []
    for claim in report.claims:
        if claim.decision is None:
            continue
        review = claimreview.claim_review(
            url=site + claim.url,
            text=claim.text,
            status=claim.status,
            first_decided_at=claim.first_verdict_at.astimezone(ZoneInfo(settings.TIME_ZONE)),
            decided_at=claim.decision.decided_at.astimezone(ZoneInfo(settings.TIME_ZONE)),
            claimant=claim.claimant,
            claimant_kind=claim.claimant_kind,
            claimed_on=claim.claimed_on,
            origin_url=claim.origin_url,
            appearances=report.appearances.get(claim.pk, []),
        )
        if review:
            reviews.append(review)
    return reviews


# Chart colours, given as SVG attributes rather than CSS so the PDF renderer draws them too.
STATUS_COLOURS = {
    Status.UNVERIFIED: "#b8c0ca",
    Status.DISPUTED: "#e6b450",
    Status.CORROBORATED: "#4fb39c",
    Status.CONFIRMED: "#3c9a48",
    Status.MISLEADING: "#e08a4c",
    Status.FALSE: "#cf4a4a",
    Status.UNVERIFIABLE: "#8c7bc0",
}
PDF_ROWS = 200  # verdicts and logged claims listed in the PDF; the CSV has them all


def as_pdf(report: WeeklyReport) -> bytes:
    """The report as a print-ready PDF (WeasyPrint renders the same template as the HTML file)."""
    import weasyprint  # imported here: loading it pulls in Pango, which only the PDF needs

    html = render_to_string("claims/report_document.html", page_context(report, limit=PDF_ROWS, document=True))
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
