from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def person(user, empty: str = "—") -> str:
    """How the desk names a colleague: full name, else username; `empty` when there is nobody."""
    if user is None:
        return empty
    return user.get_full_name() or user.get_username()
