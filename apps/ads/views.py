"""Banner images from storage: streamed locally, a redirect to the (signed) URL on S3."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_safe

_NAME = re.compile(r"^ads/banners/[0-9a-f]{24}\.webp$")


@require_safe
def serve_banner(request: HttpRequest, name: str) -> HttpResponse:
    if not _NAME.match(name) or not default_storage.exists(name):
        raise Http404("No such image.")
    if not settings.MEDIA_IS_LOCAL:
        return HttpResponseRedirect(default_storage.url(name))
    response = FileResponse(default_storage.open(name, "rb"), content_type="image/webp")
    # Each re-encode gets a new random name, so a stored banner never changes.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
