from __future__ import annotations

from django import template

from inbox.models import UNREAD_COUNT_CAP, Notification

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    """The navigation's counter on a full page: one query on the unread index (inbox.models)."""
    return Notification.objects.unread_count(user)


@register.filter
def capped(count: int) -> str:
    return f"{UNREAD_COUNT_CAP - 1}+" if count >= UNREAD_COUNT_CAP else str(count)
