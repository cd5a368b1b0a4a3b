"""What a locked-out sign-in gets: JSON for the API, a page for people; both say when to retry."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

MESSAGE = "Too many failed sign-in attempts for this account; try again later."


def lockout_response(
    request: HttpRequest, response=None, credentials=None, *args, **kwargs
) -> HttpResponse:
    retry_after = str(int(float(settings.AXES_COOLOFF_TIME) * 3600))
    if request.path.startswith("/api/"):
        reply: HttpResponse = JsonResponse(
            {"error": MESSAGE, "retry_after": int(retry_after)}, status=429
        )
    else:
        reply = render(request, "users/locked_out.html", {"message": MESSAGE}, status=429)
    reply["Retry-After"] = retry_after
    return reply
