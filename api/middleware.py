"""Every answer under /api/ is JSON, whoever wrote it: an unknown address (Django's 404), a method the
address does not take (405), a failed CSRF check, or an error that escaped a view (docs/api.md, "Errors")."""

from __future__ import annotations

import json
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"
SENTENCES = {
    404: "There is nothing at this address; the API's operations are listed at /api/v1/docs.",
    405: "This address does not take that method.",
    500: "The desk failed to answer; nothing was changed. The failure was logged.",
}


class JsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            title = HTTPStatus(status).phrase.lower() if status in HTTPStatus._value2member_map_ else "error"
            body = {"error": title, "detail": SENTENCES.get(status, f"The request was refused ({status}).")}
            replaced = HttpResponse(json.dumps(body), status=status, content_type="application/json")
            for header, value in response.items():  # Allow, Retry-After, caching, security headers…
                if header.lower() not in ("content-type", "content-length"):
                    replaced[header] = value
            replaced.cookies = response.cookies
            return replaced
        return response
