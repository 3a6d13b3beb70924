"""Keyset pagination: page 2,000 of a million claims costs what page 1 does.

Instead of OFFSET, the next page starts after the last row shown, named by its sort values (the
cursor). The orderings end in the primary key, so every row has a unique position.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet

# The longest cursor the desk writes (three columns: priority, a timestamp with microseconds and
# its offset, an id of many digits) is under 200 characters. Anything much longer was not made
# here, and refusing it before decoding bounds what a forged one can cost, nesting depth included.
MAX_CURSOR_LENGTH = 400


@dataclass(frozen=True)
class KeysetPage:
    items: list
    next_cursor: str
    is_first: bool


def _fields(ordering: tuple[str, ...]) -> list[tuple[str, bool]]:
    return [(name.lstrip("-"), name.startswith("-")) for name in ordering]


def _encode(row: Model, ordering: tuple[str, ...]) -> str:
    values = [getattr(row, name) for name, _ in _fields(ordering)]
    text = json.dumps([value.isoformat() if hasattr(value, "isoformat") else value for value in values])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str, queryset: QuerySet, ordering: tuple[str, ...]) -> list | None:
    """The cursor's values as Python objects; None if the cursor was not made by us."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, RecursionError):  # RecursionError: JSON nested deeper than Python recurses
        return None
    fields = _fields(ordering)
    if not isinstance(raw, list) or len(raw) != len(fields):
        return None
    if not all(isinstance(value, str | int | float) and not isinstance(value, bool) for value in raw):
        return None  # every sort column is NOT NULL and scalar; anything else was not made here
    if any(isinstance(value, float) and not math.isfinite(value) for value in raw):
        return None  # NaN, Infinity or 1e400: no column holds them, and int() of them raises
    try:
        return [
            queryset.model._meta.get_field(name).to_python(value) for (name, _), value in zip(fields, raw, strict=True)
        ]
    except (ValidationError, TypeError):
        return None


def _after(ordering: tuple[str, ...], values: list) -> Q:
    """Rows that come after `values` in this ordering.

    (a, b, c) after (x, y, z) is a > x, or a = x and b > y, or …; the redundant leading a >= x lets
    PostgreSQL start its index scan at the cursor.
    """
    fields = _fields(ordering)
    (last, descending), last_value = fields[-1], values[-1]
    condition = Q(**{f"{last}__{'lt' if descending else 'gt'}": last_value})
    for (name, descending), value in reversed(list(zip(fields[:-1], values[:-1], strict=True))):
        beyond = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
        condition = beyond | (Q(**{name: value}) & condition)
    (first, descending), first_value = fields[0], values[0]
    return Q(**{f"{first}__{'lte' if descending else 'gte'}": first_value}) & condition


def keyset_page(queryset: QuerySet, ordering: tuple[str, ...], cursor: str, size: int) -> KeysetPage:
    """One page of `queryset` in `ordering`, starting after `cursor` (a bad cursor means page one).

    The rows carry their primary key and sort columns only: a page is chosen here and its rows are
    read afterwards with what the page shows (Claim.objects.listed).
    """
    values = _decode(cursor, queryset, ordering) if cursor else None
    if values is not None:
        queryset = queryset.filter(_after(ordering, values))
    keys = queryset.only(*(name for name, _ in _fields(ordering)))
    rows = list(keys.order_by(*ordering)[: size + 1])
    next_cursor = _encode(rows[size - 1], ordering) if len(rows) > size else ""
    return KeysetPage(items=rows[:size], next_cursor=next_cursor, is_first=values is None)
