"""What intake proposes from a story: candidate claims, and the statements nobody is credited with.

Plain data, made by intake.extraction.extract() and shown by the intake page and the API alike
(docs/intake.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from claims.models import Claim, ClaimantKind


@dataclass
class ClaimantGuess:
    """Who made a candidate claim: a claimant on the desk (`id` set), or a new one to propose."""

    name: str
    id: int | None = None
    kind: str = ClaimantKind.OTHER  # guessed for a new claimant; the desk's own for a known one
    said_as: str = ""  # the words the story used ("the Defence Ministry in Moscow", "he")

    @property
    def is_new(self) -> bool:
        return self.id is None


@dataclass
class Candidate:
    """One attributed claim found in a story."""

    text: str  # the checkable sentence, the attribution taken out
    sentence: str  # the story's sentence (or sentences, for a quote that spans several) it came from
    start: int  # where `sentence` starts and ends in the story's text, for highlighting
    end: int
    claimant: ClaimantGuess
    claimed_on: dt.date
    quote: str = ""  # the claimant's words as the story quotes them, without quote marks
    duplicates: list[Claim] = field(default_factory=list)  # likely duplicates on the desk, best first


@dataclass
class Statement:
    """A sentence the story states without crediting anyone: offered below the line, never ticked."""

    text: str
    start: int
    end: int


@dataclass
class Extraction:
    language: str  # "en", "uk" or "ru"
    text: str  # the story as read (the offsets point into it)
    candidates: list[Candidate]
    unattributed: list[Statement]
    left_out: int = 0  # candidates past MAX_CANDIDATES, not proposed (a text that long is no wire story)
