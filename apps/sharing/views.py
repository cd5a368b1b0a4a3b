"""Sharing's pages: the embeddable player, oEmbed, robots.txt."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from csp.decorators import csp_replace
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from apps.live import selectors as live
from apps.sharing import oembed, selectors
from apps.sharing.timecodes import parse_start_time
from apps.videos import selectors as videos
from apps.videos.delivery.links import media_url
from apps.videos.models import VideoStatus


# The one page any site may frame; everything else keeps frame-ancestors 'none' and DENY.
@require_GET
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
def embed(request: HttpRequest, video_id: str) -> HttpResponse:
    video = videos.video_get_for_viewer(video_id=video_id, user=request.user)
    stream = live.live_for_video(video=video) if video.status == VideoStatus.LIVE else None
    if stream is not None:
        # On air (or about to be, or just ended): the live page's player and states.
        context = {
            "video": video,
            "stream": stream,
            "hls_url": live.live_hls_url(stream),
            "low_latency": settings.LIVE_LOW_LATENCY,
        }
        return render(request, "sharing/embed.html", context)
    context = {
        "video": video,
        "hls_url": media_url(video.master_playlist, video.media_key),
        "poster_url": video.poster_url,  # the owner's thumbnail when set
        "sprite_vtt_url": media_url(video.sprite_vtt, video.media_key),
        "start_at": parse_start_time(request.GET.get("t"), duration=video.duration),
    }
    return render(request, "sharing/embed.html", context)


@require_GET
def oembed_view(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "json").lower()
    if fmt != "json":
        return JsonResponse({"error": "Only format=json is served."}, status=501)
    url = request.GET.get("url", "")
    video = selectors.video_for_shared_url(url=url, host=request.get_host())
    shared_t = parse_qs(urlsplit(url).query).get("t", [None])[0]
    payload = oembed.oembed_payload(
        video,
        absolute=request.build_absolute_uri,
        start_at=parse_start_time(shared_t, duration=video.duration),
        maxwidth=request.GET.get("maxwidth"),
        maxheight=request.GET.get("maxheight"),
    )
    return JsonResponse(payload)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /studio/",
        "Disallow: /accounts/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
