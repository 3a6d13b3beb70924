from __future__ import annotations

import pytest

from claims.models import Status
from claims.workflow import EvidenceSummary, unmet_gate

NOTHING = EvidenceSummary(corroborating=0, independent=0, contradicting=0, context=0)
ONE_INDEPENDENT = EvidenceSummary(corroborating=2, independent=1, contradicting=0, context=0)
TWO_INDEPENDENT = EvidenceSummary(corroborating=3, independent=2, contradicting=0, context=0)
BOTH_SIDES = EvidenceSummary(corroborating=1, independent=0, contradicting=1, context=0)
CONTEXT_ONLY = EvidenceSummary(corroborating=0, independent=0, contradicting=0, context=1)


@pytest.mark.parametrize(
    ("status", "evidence", "missing"),
    [
        (Status.DISPUTED, ONE_INDEPENDENT, "one corroborating and one contradicting"),
        (Status.CORROBORATED, BOTH_SIDES, "at least one independent corroboration"),
        (Status.CONFIRMED, ONE_INDEPENDENT, "Confirmed needs 2 independent corroborations"),
        (Status.MISLEADING, TWO_INDEPENDENT, "contradicting or context source"),
        (Status.FALSE, CONTEXT_ONLY, "at least one contradicting source"),
    ],
)
def test_unmet_gate_says_what_is_missing(status, evidence, missing):
    assert missing in unmet_gate(status, evidence, "Because.")


@pytest.mark.parametrize(
    ("status", "evidence"),
    [
        (Status.DISPUTED, BOTH_SIDES),
        (Status.CORROBORATED, ONE_INDEPENDENT),
        (Status.CONFIRMED, TWO_INDEPENDENT),
        (Status.MISLEADING, CONTEXT_ONLY),
        (Status.FALSE, BOTH_SIDES),
        (Status.UNVERIFIABLE, NOTHING),
        (Status.UNVERIFIED, NOTHING),
    ],
)
def test_met_gate_has_nothing_to_say(status, evidence):
    assert unmet_gate(status, evidence, "Because.") == ""


def test_every_status_change_needs_a_rationale():
    assert unmet_gate(Status.UNVERIFIABLE, NOTHING, "   ") == "Every status change needs a rationale."


def test_two_source_rule_follows_the_setting(settings):
    settings.CONFIRMED_MIN_INDEPENDENT_SOURCES = 3
    assert "needs 3 independent" in unmet_gate(Status.CONFIRMED, TWO_INDEPENDENT, "Because.")


def test_summary_reads_like_the_desk_writes_it():
    assert str(BOTH_SIDES) == "1 corroborating (0 independent) · 1 contradicting"
