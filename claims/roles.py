"""Who may do what: the one place views ask.

Roles are Django groups created by a data migration (claims/migrations/0002_roles.py); views test
permissions, not group names, so a superuser or a custom group with the same permissions works too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

FACT_CHECKERS = "Fact-checkers"
EDITORS = "Editors"

DESK_PERMISSION = "claims.view_claim"
EDITOR_PERMISSION = "claims.decide_review"


def desk_members():
    """Everyone with a role on the desk (who can be assigned a claim)."""
    return get_user_model().objects.filter(groups__name__in=[FACT_CHECKERS, EDITORS], is_active=True).distinct()


def is_desk_member(user) -> bool:
    return user.is_authenticated and user.has_perm(DESK_PERMISSION)


def is_editor(user) -> bool:
    return user.is_authenticated and user.has_perm(EDITOR_PERMISSION)


def desk_member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous users go to the login page; signed-in users without a desk role get 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_desk_member(request.user):
            raise PermissionDenied("Your account has no role on this desk. Ask an editor to add you.")
        return view(request, *args, **kwargs)

    return wrapper
