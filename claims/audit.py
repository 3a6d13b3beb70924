"""The full audit history of a claim or a source, for editors, read from django-pghistory's event tables.

Every write to the desk's tables leaves an event row by database trigger (forms, htmx actions, the admin,
management commands, bulk and raw SQL alike). An object's history is every event row that points at it:
its own versions and those of the rows that reference it (a claim's evidence, reviews and tags; a
source's uses as evidence). One page costs a fixed number of queries: the events, their count, and one
for each kind of row they name (people, claimants, sources...).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from pghistory.models import Events

from claims.people import display_name

PER_PAGE = 100
ACTIONS = {"insert": "added", "update": "changed", "delete": "deleted"}
# Bookkeeping columns that every save touches; showing them would bury the real changes.
NOT_SHOWN = {"id", "updated_at", "version", "search_vector"}
USER_MODEL = get_user_model()


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class AuditEntry:
    when: dt.datetime
    what: str  # e.g. "Claim", "Evidence"
    object_id: str
    action: str  # "added", "changed", "deleted"
    changes: list[Change]
    who: str  # a person, a management command, or "the database" for writes outside the app
    where: str  # the page or command that made the change


def audit_page(obj: models.Model, number: str | int | None) -> tuple[Page, list[AuditEntry]]:
    """One page of the object's audit history, newest first."""
    events = Events.objects.references(obj).order_by("-pgh_created_at", "-pgh_slug")
    page = Paginator(events, PER_PAGE).get_page(number)
    rows = list(page.object_list)
    names = _related_names(rows)
    return page, [_entry(event, names) for event in rows]


def _related_names(events) -> dict[tuple[type, object], str]:
    """Names for every row the events point at (people, claimants, sources...): one query per kind of row."""
    wanted: dict[type, set] = {USER_MODEL: set()}
    for event in events:
        context = event.pgh_context or {}
        if context.get("user") is not None:
            wanted[USER_MODEL].add(context["user"])
        relations = _relations(event.pgh_obj_model)
        values = [(column, value) for column, value in (event.pgh_data or {}).items()]
        values += [(column, value) for column, pair in (event.pgh_diff or {}).items() for value in pair]
        for column, value in values:
            if column in relations and value is not None:
                wanted.setdefault(relations[column], set()).add(value)
    names = {}
    for model, ids in wanted.items():
        for pk, row in model._default_manager.in_bulk(ids).items():
            names[model, pk] = display_name(row) if model is USER_MODEL else str(row)
    return names


def _entry(event, names) -> AuditEntry:
    model = apps.get_model(event.pgh_obj_model)
    context = event.pgh_context or {}
    command = f"manage.py {context['command']}" if "command" in context else ""
    if context.get("user") is not None:
        who = names.get((USER_MODEL, context["user"]), "a removed account")
    else:
        who = command or "the database (outside the app)"
    if event.pgh_label == "update":
        values = {column: pair for column, pair in (event.pgh_diff or {}).items() if column not in NOT_SHOWN}
        changes = [_change(model, column, before, after, names) for column, (before, after) in values.items()]
    else:
        values = {column: value for column, value in (event.pgh_data or {}).items() if column not in NOT_SHOWN}
        changes = [
            _change(model, column, None, value, names) for column, value in values.items() if value not in ("", None)
        ]
    return AuditEntry(
        when=event.pgh_created_at,
        what=str(model._meta.verbose_name).capitalize(),
        object_id=event.pgh_obj_id,
        action=ACTIONS.get(event.pgh_label, event.pgh_label),
        changes=changes,
        who=who,
        where=context.get("url") or (command if context.get("user") is not None else ""),
    )


def _change(model, column: str, before, after, names) -> Change:
    field = _fields_by_column(model).get(column)
    label = capfirst(field.verbose_name) if field else column
    return Change(label, _shown(field, before, names), _shown(field, after, names))


def _shown(field, value, names) -> str:
    """A stored value as a person reads it: names for linked rows, labels for choices, local times."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field is None:
        return str(value)
    if field.is_relation:
        return names.get((field.related_model, value), f"{field.related_model._meta.verbose_name} #{value} (removed)")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField):
        return date_format(timezone.localtime(dt.datetime.fromisoformat(value)), "j M Y H:i")
    if isinstance(field, models.JSONField):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# Models do not change while the process runs: work out their columns once, not for every change shown.
@cache
def _fields_by_column(model) -> dict[str, models.Field]:
    return {field.column: field for field in model._meta.concrete_fields}


@cache
def _relations(model_label: str) -> dict[str, type]:
    model = apps.get_model(model_label)
    return {field.column: field.related_model for field in model._meta.concrete_fields if field.is_relation}
