"""A dependency down (PostgreSQL unreachable): answer 503 with Retry-After at once, a small
page or `{"error": …}` for the API, instead of a 500 or a hang. The connection is re-made on a
later request (CONN_HEALTH_CHECKS, DB_CONNECT_TIMEOUT), so the site recovers by itself."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from streamsite.ops.transient import DATABASE_ERRORS

logger = logging.getLogger(__name__)
RETRY_AFTER_S = 5


def unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        message = "The site is briefly unavailable; retry in a few seconds."
        response: HttpResponse = JsonResponse({"error": message}, status=503)
    else:
        page = render_to_string("errors/503.html", {"retry_after": RETRY_AFTER_S})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_S)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Last in MIDDLEWARE, so it sees a view's database error first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        extra = {"path": request.path, "error": repr(exception)}
        logger.warning("database unavailable", extra=extra)
        return unavailable_response(request)
