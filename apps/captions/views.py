"""The studio's caption panel (templates/captions/studio_panel.html): plain form POSTs, so it
works without JavaScript. Owner or staff only; others get 404 like any private thing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from apps.captions import selectors, services
from apps.videos.models import Video
from apps.videos.selectors import video_can_manage


def _managed_video(request: HttpRequest, video_id: str) -> Video:
    video = Video.objects.filter(pk=video_id).first()
    if video is None or not video_can_manage(video=video, user=request.user):
        raise Http404("No such video.")
    return video


def _back(request: HttpRequest, video: Video) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(target if safe else reverse("watch", args=[video.pk]))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def captions_page(request: HttpRequest, video_id: str) -> HttpResponse:
    """The caption panel on a page of its own (the studio's edit page includes the same
    panel); a POST uploads."""
    video = _managed_video(request, video_id)
    if request.method != "POST":
        return render(request, "captions/studio_page.html", {"video": video})
    try:
        caption = services.caption_upload(
            video=video,
            by=request.user,
            file=request.FILES.get("file"),
            language=request.POST.get("language", ""),
            label=request.POST.get("label", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        reason = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, f"Captions not saved: {reason}")
    else:
        messages.success(request, f"Captions saved: {caption.label} ({caption.language}).")
    return _back(request, video)


@login_required
@require_POST
def caption_delete(request: HttpRequest, video_id: str, caption_id: int) -> HttpResponse:
    video = _managed_video(request, video_id)
    caption = selectors.captions_of(video=video).filter(pk=caption_id).first()
    if caption is None:
        raise Http404("No such caption.")
    services.caption_delete(caption=caption, by=request.user)
    messages.success(request, f"Captions deleted: {caption.label} ({caption.language}).")
    return _back(request, video)
