"""The upload page: the form and progress UI for tus uploads (static/js/upload.js)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from apps.users.selectors import user_is_creator
from apps.videos.models import Visibility


@login_required
@ensure_csrf_cookie  # the tus requests send X-CSRFToken, which DRF checks against this cookie
def upload_page(request: HttpRequest) -> HttpResponse:
    if not user_is_creator(request.user):
        # Same template, explaining how to get a channel; 403 because uploading is refused.
        return render(request, "videos/upload.html", {"is_creator": False}, status=403)
    context = {
        "is_creator": True,
        "visibilities": Visibility.choices,
        "max_upload_mb": settings.MAX_UPLOAD_MB,
        "max_upload_bytes": settings.MAX_UPLOAD_MB * 1024 * 1024,
    }
    return render(request, "videos/upload.html", context)
