"""Workflow refusals a view does not answer itself become a page (or an htmx alert) here, in one
place, with the status the refusal carries: 403 for a role, 409 for a state, 422 for a lack."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.http import reswap, retarget

from claims.workflow import Refused


class WorkflowRefusalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, Refused):
            return None  # NotAllowed is a PermissionDenied: Django's 403 page shows its sentence
        context = {"refusal": str(exception), "status_code": exception.status_code}
        if getattr(request, "htmx", False):
            # Inside a swap, a whole page would land in a row's place: say it in the page's alert area.
            response = render(request, "_refusal_alert.html", context, status=exception.status_code)
            return reswap(retarget(response, "#desk-alert"), "innerHTML")
        return render(request, "refused.html", context, status=exception.status_code)
