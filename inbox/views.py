"""A person's inbox: their notifications, marking them read, the navigation's counter and the e-mail
setting (docs/architecture.md, "Notifications"). Each person sees and changes only their own."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from claims.paging import keyset_page
from claims.roles import desk_member_required
from claims.views.common import DeskRequest, render_page
from inbox.forms import PreferenceForm
from inbox.models import EmailChoice, Notification, NotificationPreference

INBOX_PAGE_SIZE = 30
INBOX_ORDERING = ("-created_at", "-id")
# Sent with every change of what is read: the navigation's counter reloads on it (inbox/_unread_count.html).
INBOX_CHANGED = "inboxChanged"


def _own_notification(request: DeskRequest, pk: int) -> Notification:
    """The person's own notification; anyone else's is as if it did not exist (404)."""
    return get_object_or_404(Notification, pk=pk, recipient=request.user)


def _inbox_context(request: DeskRequest, cursor: str = "") -> dict:
    mine = Notification.objects.for_recipient(request.user)
    page = keyset_page(mine, INBOX_ORDERING, cursor, INBOX_PAGE_SIZE)
    # The page's rows chosen by key, then read whole: two queries whatever the page holds.
    rows = list(Notification.objects.filter(pk__in=[row.pk for row in page.items]).order_by(*INBOX_ORDERING))
    return {"notifications": rows, "page": page, "unread_count": Notification.objects.unread_count(request.user)}


@require_GET
@desk_member_required
def inbox_list(request: DeskRequest) -> HttpResponse:
    context = _inbox_context(request, request.GET.get("after", ""))
    return render_page(request, "inbox/inbox.html", context, fragment="#notifications")


@require_GET
@desk_member_required
def inbox_count(request: DeskRequest) -> HttpResponse:
    """The navigation's unread counter, polled and reloaded after each change."""
    return render(
        request, "inbox/_unread_count.html", {"unread_count": Notification.objects.unread_count(request.user)}
    )


@require_POST
@desk_member_required
def inbox_mark_read(request: DeskRequest, pk: int) -> HttpResponse:
    notification = _own_notification(request, pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    if request.htmx:
        response = render(request, "inbox/inbox.html#notification", {"notification": notification})
        return trigger_client_event(response, INBOX_CHANGED)
    return HttpResponseRedirect(reverse("inbox:list"))


@require_POST
@desk_member_required
def inbox_mark_all_read(request: DeskRequest) -> HttpResponse:
    marked = Notification.objects.for_recipient(request.user).mark_read()
    if request.htmx:
        response = render(request, "inbox/inbox.html#notifications", _inbox_context(request))
        return trigger_client_event(response, INBOX_CHANGED)
    messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} read.")
    return HttpResponseRedirect(reverse("inbox:list"))


@require_http_methods(["GET", "POST"])
@desk_member_required
def inbox_settings(request: DeskRequest) -> HttpResponse:
    preference = NotificationPreference.objects.filter(person=request.user).first() or NotificationPreference(
        person=request.user
    )
    chose_before = preference.email
    form = PreferenceForm(request.POST if request.method == "POST" else None, instance=preference)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "inbox/settings.html", {"form": form}, status=422)
        preference = form.save(commit=False)
        if preference.email == EmailChoice.DAILY_DIGEST and chose_before != EmailChoice.DAILY_DIGEST:
            # The first digest gathers what comes from now on, not the whole inbox's past.
            preference.last_digest_at = timezone.now()
        preference.save()
        messages.success(request, f"E-mail: {preference.get_email_display()}.")
        return HttpResponseRedirect(reverse("inbox:settings"))
    return render(request, "inbox/settings.html", {"form": form})
