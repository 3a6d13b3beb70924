from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from claims.models import Status
from claims.roles import is_desk_member, is_editor


def desk(request: HttpRequest) -> dict:
    """What the navigation needs on every page."""
    user = getattr(request, "user", None)
    return {
        "newsroom_name": settings.NEWSROOM_NAME,
        "user_is_desk_member": bool(user and is_desk_member(user)),
        "user_is_editor": bool(user and is_editor(user)),
        "status_scale": Status.choices,
    }
