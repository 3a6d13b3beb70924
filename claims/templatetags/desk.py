from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

from claims.people import display_name

register = template.Library()


@register.filter
def person(user, empty: str = "—") -> str:
    """How the desk names a colleague: full name, else username; `empty` when there is nobody."""
    return display_name(user, nobody=empty)


AGE_UNITS = [(365 * 86400, "yr"), (30 * 86400, "mo"), (7 * 86400, "wk"), (86400, "d"), (3600, "h"), (60, "min")]


@register.filter
def age(moment: datetime.datetime | None) -> str:
    """How long ago, in one compact unit ("3 d", "5 h"): dense lists have no room for more."""
    if moment is None:
        return ""
    seconds = (timezone.now() - moment).total_seconds()
    for size, unit in AGE_UNITS:
        if seconds >= size:
            return f"{int(seconds // size)} {unit}"
    return "just now"
