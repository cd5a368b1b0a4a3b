"""Server-rendered pages: home, studio, watch."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.videos import search as search_filters
from apps.videos import selectors, services
from apps.videos.delivery.links import media_url
from apps.videos.models import VideoStatus
from apps.videos.studio.downloads import download_url
from streamsite import page_cache


def home(request: HttpRequest) -> HttpResponse:
    recent = selectors.video_list_public()[:24]
    popular = selectors.video_list_public().order_by("-views", "-published_at")[:12]
    return render(request, "videos/home.html", {"videos": recent, "popular": popular})


@login_required
@require_POST
def studio_retry(request: HttpRequest, video_id: str) -> HttpResponse:
    """The studio's retry button: what failed is made again (services.video_retry)."""
    video = selectors.video_get_for_viewer(video_id=video_id, user=request.user)
    if not selectors.video_can_manage(video=video, user=request.user):
        raise PermissionDenied("Only the owner or staff may retry this video.")
    try:
        services.video_retry(video=video, by=request.user)
        messages.success(request, f"“{video.title}” is being processed again.")
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    return redirect("studio")


@page_cache.anonymous_page(
    lambda request, video_id: selectors.video_page_version(video_id=video_id)
)
def watch(request: HttpRequest, video_id: str) -> HttpResponse:
    # No view is counted here (the player's beacon does it when playback starts), and nothing
    # touches the session: an anonymous page view writes no row.
    video = selectors.video_get_for_viewer(video_id=video_id, user=request.user)
    if video.status == VideoStatus.LIVE:
        # A live stream's video to be: its page is the stream's until the recording is in.
        stream = getattr(video, "live_stream", None)
        if stream is not None:
            return redirect(stream.get_absolute_url())
    return render(
        request,
        "videos/watch.html",
        {
            "video": video,
            "hls_url": media_url(video.master_playlist, video.media_key),
            "poster_url": video.poster_url,
            "sprite_vtt_url": media_url(video.sprite_vtt, video.media_key),
            "renditions": selectors.video_renditions(video=video),
            "can_manage": selectors.video_can_manage(video=video, user=request.user),
            "download_url": download_url(video),
        },
    )


@page_cache.anonymous_page()
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    duration = request.GET.get("duration", "")
    uploaded = request.GET.get("uploaded", "")
    category = request.GET.get("category", "")
    tag = request.GET.get("tag", "").strip()
    results = selectors.video_search(
        query=query, duration=duration, uploaded=uploaded, category=category, tag=tag
    )
    page = Paginator(results, 24).get_page(request.GET.get("page"))
    return render(
        request,
        "videos/search.html",
        {
            "query": query,
            "duration": duration,
            "uploaded": uploaded,
            "category": category,
            "tag": tag,
            "page": page,
            "videos": page.object_list,
            "durations": search_filters.DURATION_CHOICES,
            "uploads": search_filters.UPLOADED_CHOICES,
        },
    )
