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
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.contrib.auth.views import redirect_to_login
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, OuterRef, Q, Value
from django.db.models.functions import Concat
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


class DeskPermissionBackend(ModelBackend):
    """Django's ModelBackend, with a signed-in user's permissions read in the query that reads the user.

    Every page asks what the person may do (the navigation, the role check of each view); Django's
    backend spends two more queries on it, the person's own permissions and their groups'. Here the user
    arrives with both, so a request knows its person's role from one query. Permissions are read on
    every request, so a role given or taken away counts from the next page on.
    """

    def get_user(self, user_id):
        granted = (
            Permission.objects.filter(Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk")))
            .annotate(qualified=Concat("content_type__app_label", Value("."), "codename", output_field=CharField()))
            .values("qualified")
            .distinct()
        )
        users = get_user_model()._default_manager.annotate(permission_names=ArraySubquery(granted))
        user = users.filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        if not user.is_superuser:  # a superuser holds every permission; Django answers that itself
            user._perm_cache = set(user.permission_names)
        return user


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
