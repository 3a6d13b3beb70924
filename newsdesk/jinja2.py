"""The Jinja2 environment for the few templates the desk renders many times a page (docs/benchmarks.md,
"Where a list page's time goes"): the rows of the claims table, the review queue's cards and the claim
page's evidence. Everything else is a Django template.

Django's template language resolves every `{{ a.b.c }}` through a chain of lookups and filters; Jinja2
compiles a template to Python once, so fifty rows cost a fifth as much. The filters here mirror the
Django ones the hot templates need, with the same output, so a row reads the same in either engine.
Templates are given all their variables explicitly (claims/templatetags/desk.py), with `request`,
`csrf_input` and `csrf_token` from Django's backend when a request is passed; a missing variable is an
error (StrictUndefined), not a silently empty cell.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from jinja2 import Environment, StrictUndefined

from claims.models import Priority, Status, id_url
from claims.templatetags.desk import age, ago, person

# Django's `date` filter formats through translated month names, a tenth of a millisecond a date; the
# desk speaks English, and these write its two date formats ("27 Nov 2026", "27 Nov 2026, 14:05").
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _local(value: datetime.date) -> datetime.date:
    """A stored (UTC) moment in the newsroom's time zone, as Django templates show it; a day as it is."""
    return timezone.localtime(value) if isinstance(value, datetime.datetime) else value


def day(value: datetime.date) -> str:
    """As Django's `date:"j M Y"`."""
    value = _local(value)
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def day_time(moment: datetime.datetime) -> str:
    """As Django's `date:"j M Y, H:i"`."""
    return f"{day(moment)}, {_local(moment):%H:%M}"


def clock(moment: datetime.datetime) -> str:
    """As Django's `date:"H:i:s"`."""
    return f"{_local(moment):%H:%M:%S}"


def iso(moment: datetime.datetime) -> str:
    """As Django's `date:"c"`: for <time datetime="…">."""
    return _local(moment).isoformat()


def url(name: str, *args: Any) -> str:
    """Django's {% url %}; an address with one id in it from the cached pattern (claims.models.id_url)."""
    if len(args) == 1 and isinstance(args[0], int):
        return id_url(name, args[0])
    return reverse(name, args=args)


def environment(**options: Any) -> Environment:
    options["undefined"] = StrictUndefined
    env = Environment(**options)  # noqa: S701 - Django's backend turns autoescape on unless told otherwise
    env.globals.update(url=url)
    env.filters.update(day=day, day_time=day_time, clock=clock, iso=iso, person=person, age=age, ago=ago)
    # A status's or priority's label from a dict: Django's get_FOO_display() rebuilds its lookup each call.
    env.filters.update(status_label=dict(Status.choices).__getitem__, priority_label=dict(Priority.choices).__getitem__)
    return env
