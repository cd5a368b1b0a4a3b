"""Public pictures stored under names that never change (each upload gets a new random name):
ad banners, channel avatars and banners. One way to serve them, whatever the storage."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect


def serve_public_image(name: str, allowed: re.Pattern[str]) -> HttpResponse:
    """The stored WebP `name` if it matches `allowed`: streamed from local files with a
    year-long immutable cache, or a redirect to the storage's (signed) URL elsewhere."""
    if not allowed.match(name) or not default_storage.exists(name):
        raise Http404("No such image.")
    if not settings.MEDIA_IS_LOCAL:
        return HttpResponseRedirect(default_storage.url(name))
    response = FileResponse(default_storage.open(name, "rb"), content_type="image/webp")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
