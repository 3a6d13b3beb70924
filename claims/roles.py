"""Who may do what: the one place views ask.

Roles are Django groups created by a data migration (claims/migrations/0002_roles.py); views test
permissions, not group names, so a superuser or a custom group with the same permissions works too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect

FACT_CHECKERS = "Fact-checkers"
EDITORS = "Editors"

DESK_PERMISSION = "claims.view_claim"
EDITOR_PERMISSION = "claims.decide_review"


def desk_members():
    """Everyone with a role on the desk (who can be assigned a claim), in the order menus list them."""
    members = get_user_model().objects.filter(groups__name__in=[FACT_CHECKERS, EDITORS], is_active=True)
    return members.distinct().order_by("first_name", "username")


def is_desk_member(user) -> bool:
    return user.is_authenticated and user.has_perm(DESK_PERMISSION)


def is_editor(user) -> bool:
    return user.is_authenticated and user.has_perm(EDITOR_PERMISSION)


class DeskRefusal(PermissionDenied):
    """A 403 whose message the desk wrote for the person refused; the 403 page shows it."""


def require(user, permission: str, message: str) -> None:
    """Raise 403 unless the user holds `permission` (the group grants it; see the roles migration)."""
    if not user.has_perm(permission):
        raise DeskRefusal(message)


def desk_member_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Anonymous users go to the login page; signed-in users without a desk role get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if not request.user.is_authenticated:
            if getattr(request, "htmx", False):
                # Inside an htmx swap a redirect would put the login page into the fragment's place:
                # send the whole browser to log in, then back to the page it was on.
                page = request.htmx.current_url_abs_path or request.get_full_path()
                return HttpResponseClientRedirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': page})}")
            return redirect_to_login(request.get_full_path())
        if not is_desk_member(request.user):
            raise DeskRefusal("Your account has no role on this desk. Ask an editor to add you.")
        return view(request, *args, **kwargs)

    return wrapper
