"""The webhooks pages, for editors: the endpoints and a form to add one; an endpoint's settings, secret,
test event and delivery log (docs/architecture.md, "Webhooks")."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from claims.roles import EDITOR_PERMISSION, desk_member_required, require
from claims.views.common import DeskRequest, render_page
from webhooks import events
from webhooks.forms import EndpointForm
from webhooks.models import DELIVERY_LOG_LENGTH, Attempt, Delivery, DeliveryState, Endpoint

PAGE = "webhooks/endpoint_detail.html"


def _require_editor(request: DeskRequest) -> None:
    require(request.user, EDITOR_PERMISSION, "Only editors manage the desk's webhooks.")


def _endpoint_for_editor(request: DeskRequest, pk: int) -> Endpoint:
    _require_editor(request)
    return get_object_or_404(Endpoint, pk=pk)


@require_http_methods(["GET", "POST"])
@desk_member_required
def endpoint_list(request: DeskRequest) -> HttpResponse:
    """GET: the endpoints and the form to add one. POST: add one; its page then shows its secret."""
    _require_editor(request)
    form = EndpointForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        endpoint = form.save(commit=False)
        endpoint.created_by = request.user
        endpoint.save()
        messages.success(request, "Endpoint added. Its signing secret is below.")
        return redirect(endpoint)
    endpoints = Endpoint.objects.with_delivery_counts().order_by("created_at", "id")
    status = 422 if form.errors else 200
    return render(request, "webhooks/endpoint_list.html", {"endpoints": endpoints, "form": form}, status=status)


def _page(endpoint: Endpoint, form: EndpointForm | None = None) -> dict:
    newest = Delivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-id")
    attempts = Prefetch("attempt_log", queryset=Attempt.objects.order_by("number"))
    deliveries = list(newest.prefetch_related(attempts)[:DELIVERY_LOG_LENGTH])
    return {
        "endpoint": endpoint,
        "form": form or EndpointForm(instance=endpoint),
        "deliveries": deliveries,
        "delivery_count": newest.count() if len(deliveries) == DELIVERY_LOG_LENGTH else len(deliveries),
        "sending": any(delivery.state == DeliveryState.PENDING for delivery in deliveries),
    }


@require_http_methods(["GET", "POST"])
@desk_member_required
def endpoint_detail(request: DeskRequest, pk: int) -> HttpResponse:
    """GET: settings, secret and delivery log (htmx asks for the log alone while something is sending).
    POST: change the address, description or events."""
    endpoint = _endpoint_for_editor(request, pk)
    if request.method == "POST":
        form = EndpointForm(request.POST, instance=endpoint)
        if not form.is_valid():
            endpoint.refresh_from_db()  # the page's heading shows what is saved, not what was refused
            return render(request, PAGE, _page(endpoint, form), status=422)
        form.save()
        messages.success(request, "Endpoint saved.")
        return redirect(endpoint)
    return render_page(request, PAGE, _page(endpoint), fragment="#log")


@require_POST
@desk_member_required
def endpoint_enabled(request: DeskRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint_for_editor(request, pk)
    endpoint.enabled = request.POST.get("enabled") == "1"
    endpoint.save(update_fields=["enabled"])
    messages.success(request, "Endpoint enabled." if endpoint.enabled else "Endpoint disabled: nothing is sent to it.")
    return redirect(endpoint)


@require_POST
@desk_member_required
def endpoint_delete(request: DeskRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint_for_editor(request, pk)
    url = endpoint.url
    endpoint.delete()  # its deliveries go with it; a job still queued for one finds nothing to send
    messages.success(request, f"Endpoint {url} deleted.")
    return redirect("webhooks:list")


@require_POST
@desk_member_required
def endpoint_test(request: DeskRequest, pk: int) -> HttpResponse:
    """Queue a signed `webhook.test` delivery; an htmx request gets the delivery log back with it."""
    endpoint = _endpoint_for_editor(request, pk)
    if events.send_test_event(endpoint, by=request.user) is None:
        messages.error(request, "The test event could not be queued; the desk's log says why.")
    if request.htmx:
        return render(request, PAGE + "#log", _page(endpoint))
    return redirect(endpoint)
