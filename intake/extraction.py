"""From a wire story to candidate claims (docs/intake.md). Nothing here writes to the database."""

from __future__ import annotations

import datetime as dt

from intake.candidates import Extraction

# The longest story intake reads; wire stories run to a few thousand characters.
MAX_STORY_CHARS = 100_000


class Unreadable(ValueError):
    """The text cannot be read as a story (empty, too long, not text); the message says why."""


def extract(text: str, published: dt.date, *, dateline: str = "", duplicates: bool = True) -> Extraction:
    """The candidate claims in `text`, a story published on `published`.

    `duplicates`: look up likely duplicates on the desk for each candidate (the page and the API do;
    the accuracy benchmark need not).
    """
    raise NotImplementedError  # being written
