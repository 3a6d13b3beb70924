"""The desk's rule book for status changes (DESIGN §3): evidence gates, in one place.

The review workflow (propose, approve, return, withdraw) builds on these rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from claims.models import Claim, Status


@dataclass(frozen=True)
class EvidenceSummary:
    corroborating: int
    independent: int
    contradicting: int
    context: int

    @classmethod
    def of(cls, claim: Claim) -> EvidenceSummary:
        """Read the counts annotated by Claim.objects.with_evidence_summary()."""
        return cls(
            corroborating=claim.corroborating_count,
            independent=claim.independent_count,
            contradicting=claim.contradicting_count,
            context=claim.context_count,
        )

    def __str__(self) -> str:
        return (
            f"{self.corroborating} corroborating ({self.independent} independent) · {self.contradicting} contradicting"
        )


def unmet_gate(status: str, evidence: EvidenceSummary, rationale: str) -> str:
    """Say what is missing for `status`, or return "" when its evidence gate is met."""
    needed = settings.CONFIRMED_MIN_INDEPENDENT_SOURCES
    if not rationale.strip():
        return "Every status change needs a rationale."
    if status == Status.DISPUTED and not (evidence.corroborating and evidence.contradicting):
        return "Disputed needs at least one corroborating and one contradicting source."
    if status == Status.CORROBORATED and evidence.independent < 1:
        return "Corroborated needs at least one independent corroboration; there is none yet."
    if status == Status.CONFIRMED and evidence.independent < needed:
        return (
            f"Confirmed needs {needed} independent corroborations (from different outlets, not"
            f" repeating the claimant); there {'is' if evidence.independent == 1 else 'are'}"
            f" {evidence.independent}."
        )
    if status == Status.MISLEADING and not (evidence.contradicting or evidence.context):
        return "Misleading needs at least one contradicting or context source."
    if status == Status.FALSE and not evidence.contradicting:
        return "False needs at least one contradicting source."
    return ""
