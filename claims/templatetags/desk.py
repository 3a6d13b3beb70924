from __future__ import annotations

import datetime
from html import escape

from django import template
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.template import Context, engines
from django.template.backends.utils import csrf_input
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from claims.people import display_name
from claims.roles import is_editor

register = template.Library()


@register.filter
def person(user, empty: str = "—") -> str:
    """How the desk names a colleague: full name, else username; `empty` when there is nobody."""
    return display_name(user, nobody=empty)


AGE_UNITS = [(365 * 86400, "yr"), (30 * 86400, "mo"), (7 * 86400, "wk"), (86400, "d"), (3600, "h"), (60, "min")]


@register.filter
def age(moment: datetime.datetime | None) -> str:
    """How long ago, in one compact unit ("3 d", "5 h"): dense lists have no room for more."""
    if moment is None:
        return ""
    seconds = (timezone.now() - moment).total_seconds()
    for size, unit in AGE_UNITS:
        if seconds >= size:
            return f"{int(seconds // size)} {unit}"
    return "just now"


@register.filter
def ago(moment: datetime.datetime | None) -> str:
    """ "3 d ago", or "just now" (never "just now ago")."""
    how_long = age(moment)
    return how_long if how_long in ("", "just now") else f"{how_long} ago"


def render_hot(name: str, context: dict) -> SafeString:
    """A template rendered many times a page, by Jinja2 (newsdesk/jinja2.py says why). Its output is
    escaped by Jinja2's autoescape, so it goes into the Django page as it is."""
    return mark_safe(engines["jinja2"].get_template(name).render(context))  # noqa: S308 - escaped by Jinja2


@register.simple_tag
def claim_table(claims, *, selectable: bool = False, compact: bool = False, repeater=None) -> SafeString:
    """The claims table (templates/jinja2/claims/claim_table.html) of the list, dashboard and claimant pages."""
    return render_hot(
        "claims/claim_table.html",
        {"claims": claims, "selectable": selectable, "compact": compact, "repeater": repeater},
    )


@register.simple_tag
def options(choices, selected="") -> SafeString:
    """The <option>s of a menu, the one whose value is `selected` (compared as text) marked selected.

    `choices`: (value, label) pairs, plain names (value and label alike), or users (by username, named
    as the desk names them). Written here rather than as a template loop: the claims list's menus
    hold hundreds of tags and people, and a loop costs a millisecond a hundred options.
    """
    selected = "" if selected is None else str(selected)
    rendered = []
    for choice in choices:
        if isinstance(choice, User):
            value, label = choice.username, display_name(choice)
        elif isinstance(choice, tuple | list):
            value, label = choice
        else:
            value = label = choice
        value = str(value)
        mark = " selected" if value == selected else ""
        rendered.append(f'<option value="{escape(value)}"{mark}>{escape(str(label))}</option>')
    return mark_safe("".join(rendered))  # noqa: S308 - every value and label escaped above (html.escape, as Django's)


def form_context(request: HttpRequest) -> dict:
    """What a Jinja2 template with forms needs from the request: the form token, made once (the Jinja2
    backend's own `csrf_input` would make a new one for each of a page's forms), and the page to come
    back to after a form posted without htmx."""
    return {"csrf_input": csrf_input(request), "back": request.get_full_path()}


@register.simple_tag(takes_context=True)
def queue_cards(context: Context, rows: list) -> SafeString:
    """The review queue's cards (templates/jinja2/claims/queue_card.html)."""
    return render_hot("claims/queue_cards.html", {"rows": rows, **queue_card_context(context["request"])})


def queue_card_context(request: HttpRequest, error: str = "") -> dict:
    """What a queue card needs besides its row."""
    user = request.user
    return {"user": user, "user_is_editor": is_editor(user), "error": error, **form_context(request)}


@register.simple_tag(takes_context=True)
def evidence_groups(context: Context) -> SafeString:
    """The claim page's evidence (templates/jinja2/claims/evidence_groups.html)."""
    names = ("claim", "evidence_groups", "can_remove_evidence")
    return render_hot(
        "claims/evidence_groups.html", {name: context[name] for name in names} | form_context(context["request"])
    )


@register.simple_tag(takes_context=True)
def captures_block(context: Context, source, captures) -> SafeString:
    """A source's captures (templates/jinja2/captures/captures.html), on the source page."""
    return render_hot(
        "captures/captures.html", {"source": source, "captures": list(captures), **form_context(context["request"])}
    )
