"""How the desk names a colleague, in one place: pages, refusals, reports and the audit history all say
the same name for the same person."""

from __future__ import annotations

from django.contrib.auth.models import User


def name_from_parts(first_name: str | None, last_name: str | None, username: str | None, *, nobody: str = "") -> str:
    """The full name, else the username; `nobody` when there is no one (no username: a row left empty).

    Reports read people's columns straight from SQL; everything else passes a user to display_name().
    """
    if username is None:
        return nobody
    return f"{first_name or ''} {last_name or ''}".strip() or username


def display_name(user: User | None, *, nobody: str = "") -> str:
    """A user's name as the desk shows it; `nobody` when `user` is None."""
    if user is None:
        return nobody
    return name_from_parts(user.first_name, user.last_name, user.get_username(), nobody=nobody)
