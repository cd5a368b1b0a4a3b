"""The oEmbed 1.0 answer for a video (https://oembed.com/, type "video")."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html

from apps.videos.models import Video

DEFAULT_WIDTH = 640
MIN_SIZE = 32


def _int_or_none(raw: str | None) -> int | None:
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if value >= MIN_SIZE else None


def player_size(
    video: Video, *, maxwidth: str | None = None, maxheight: str | None = None
) -> tuple[int, int]:
    """The iframe's size: 640 wide at the video's aspect ratio, shrunk to fit the consumer's
    maxwidth/maxheight (never grown past the default)."""
    ratio = (video.width / video.height) if video.width and video.height else 16 / 9
    width = DEFAULT_WIDTH
    limit_w, limit_h = _int_or_none(maxwidth), _int_or_none(maxheight)
    if limit_w:
        width = min(width, limit_w)
    height = round(width / ratio)
    if limit_h and height > limit_h:
        height = limit_h
        width = round(height * ratio)
    return width, height


def embed_iframe(src: str, *, title: str, width: int, height: int) -> str:
    return str(
        format_html(
            '<iframe src="{}" width="{}" height="{}" title="{}" frameborder="0" '
            'allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>',
            src,
            width,
            height,
            title,
        )
    )


def oembed_payload(
    video: Video,
    *,
    absolute: Callable[[str], str],
    maxwidth: str | None = None,
    maxheight: str | None = None,
    start_at: float | None = None,
) -> dict:
    """`absolute` turns a site path into an absolute URL (request.build_absolute_uri);
    `start_at` is the shared link's `?t=`, kept in the iframe's URL."""
    width, height = player_size(video, maxwidth=maxwidth, maxheight=maxheight)
    embed_url = absolute(reverse("embed", kwargs={"video_id": video.id}))
    if start_at:
        embed_url += f"?t={int(start_at)}"
    payload = {
        "type": "video",
        "version": "1.0",
        "title": video.title,
        "author_name": video.owner.channel_name,
        "author_url": absolute(reverse("channel", kwargs={"username": video.owner.username})),
        "provider_name": settings.SITE_NAME,
        "provider_url": absolute("/"),
        "html": embed_iframe(embed_url, title=video.title, width=width, height=height),
        "width": width,
        "height": height,
    }
    thumbnail = video.thumbnail_url
    if thumbnail:
        thumb_w = 640 if video.thumbnails.get("640") else (video.width or 640)
        ratio = (video.height / video.width) if video.width and video.height else 9 / 16
        payload["thumbnail_url"] = absolute(thumbnail)
        payload["thumbnail_width"] = thumb_w
        payload["thumbnail_height"] = round(thumb_w * ratio)
    if video.duration:
        payload["duration"] = round(video.duration)
    return payload
