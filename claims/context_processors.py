from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from claims.models import Review, Status
from claims.roles import is_desk_member, is_editor


def desk(request: HttpRequest) -> dict:
    """What the navigation needs on every page."""
    user = getattr(request, "user", None)
    member = bool(user and is_desk_member(user))
    return {
        # The navigation's queue counter; it refreshes itself after that (claims/_queue_count.html).
        # A callable, so the count is only queried on pages that show it.
        "queue_count": Review.objects.pending().count if member else 0,
        "newsroom_name": settings.NEWSROOM_NAME,
        "user_is_desk_member": member,
        "user_is_editor": bool(user and is_editor(user)),
        "status_scale": Status.choices,
    }
