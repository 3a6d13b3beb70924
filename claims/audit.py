"""The full audit history of a claim or a source, for editors, read from django-pghistory's event tables.

Every write to the desk's tables leaves an event row by database trigger (forms, htmx actions, the admin,
management commands, bulk and raw SQL alike). An object's history is every event row that points at it:
its own versions and those of the rows that reference it (a claim's evidence, reviews and tags; a
source's uses as evidence). One page costs a fixed number of queries: the events, their count, the people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import models
from pghistory.models import Events

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
    people = USER_MODEL.objects.in_bulk(_user_ids(rows))
    return page, [_entry(event, people) for event in rows]


def _user_ids(events) -> set[int]:
    ids = set()
    for event in events:
        context = event.pgh_context or {}
        if isinstance(context.get("user"), int):
            ids.add(context["user"])
        user_columns = _user_columns(event.pgh_obj_model)
        values = [value for column, value in (event.pgh_data or {}).items() if column in user_columns]
        values += [value for column, pair in (event.pgh_diff or {}).items() if column in user_columns for value in pair]
        ids.update(value for value in values if isinstance(value, int))
    return ids


def _entry(event, people) -> AuditEntry:
    model = apps.get_model(event.pgh_obj_model)
    context = event.pgh_context or {}
    if context.get("user") is not None:
        who = _person(people.get(context["user"]))
    elif "command" in context:
        who = f"manage.py {context['command']}"
    else:
        who = "the database (outside the app)"
    if event.pgh_label == "update":
        values = {column: pair for column, pair in (event.pgh_diff or {}).items() if column not in NOT_SHOWN}
        changes = [_change(model, column, before, after, people) for column, (before, after) in values.items()]
    else:
        values = {column: value for column, value in (event.pgh_data or {}).items() if column not in NOT_SHOWN}
        changes = [
            _change(model, column, None, value, people) for column, value in values.items() if value not in ("", None)
        ]
    return AuditEntry(
        when=event.pgh_created_at,
        what=str(model._meta.verbose_name).capitalize(),
        object_id=event.pgh_obj_id,
        action=ACTIONS.get(event.pgh_label, event.pgh_label),
        changes=changes,
        who=who,
        where=context.get("url") or (f"manage.py {context['command']}" if "command" in context else ""),
    )


def _change(model, column: str, before, after, people) -> Change:
    field = _fields_by_column(model).get(column)
    label = str(field.verbose_name).capitalize() if field else column
    return Change(label, _shown(field, before, people), _shown(field, after, people))


def _shown(field, value, people) -> str:
    if value is None or value == "":
        return "—"
    if field is not None and field.is_relation:
        if field.related_model is USER_MODEL:
            return _person(people.get(value))
        return f"{field.related_model._meta.verbose_name} #{value}"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _person(user) -> str:
    if user is None:
        return "a removed account"
    return user.get_full_name() or user.get_username()


def _fields_by_column(model) -> dict[str, models.Field]:
    return {field.column: field for field in model._meta.concrete_fields}


def _user_columns(model_label: str) -> set[str]:
    model = apps.get_model(model_label)
    return {
        field.column for field in model._meta.concrete_fields if field.is_relation and field.related_model is USER_MODEL
    }
