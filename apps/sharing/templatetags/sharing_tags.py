"""The watch and channel pages' sharing parts: preview tags, share dialog, related videos,
the description with links, and the `?t=` start time."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from apps.sharing import selectors
from apps.sharing.description import description_html
from apps.sharing.oembed import embed_iframe, player_size
from apps.sharing.timecodes import parse_start_time
from streamsite import page_cache

register = template.Library()


@register.filter
def linked_description(text: str) -> SafeString:
    return description_html(text)


@register.simple_tag(takes_context=True)
def start_at(context, video) -> str:
    """`?t=` of the page's URL as seconds for the player's data-start-at, or ""."""
    request = context.get("request")
    seconds = parse_start_time(request.GET.get("t") if request else None, duration=video.duration)
    return f"{seconds:g}" if seconds else ""


def _links(request, video) -> dict:
    watch = request.build_absolute_uri(video.get_absolute_url())
    embed = request.build_absolute_uri(reverse("embed", kwargs={"video_id": video.id}))
    return {"watch_url": watch, "embed_url": embed}


@register.inclusion_tag("sharing/meta.html", takes_context=True)
def sharing_meta(context, video) -> dict:
    """OpenGraph, Twitter card and oEmbed discovery: only for videos anyone may watch."""
    request = context["request"]
    if not selectors.video_is_shareable(video=video):
        return {"shareable": False}
    links = _links(request, video)
    width, height = player_size(video)
    oembed = reverse("oembed") + "?" + urlencode({"url": links["watch_url"], "format": "json"})
    thumbnail = video.thumbnail_url
    return {
        "shareable": True,
        "site_name": settings.SITE_NAME,
        "video": video,
        "unlisted": video.visibility == "unlisted",
        "image_url": request.build_absolute_uri(thumbnail) if thumbnail else "",
        "oembed_url": request.build_absolute_uri(oembed),
        "width": width,
        "height": height,
        **links,
    }


@register.inclusion_tag("sharing/share.html", takes_context=True)
def share_button(context, video) -> dict:
    request = context["request"]
    links = _links(request, video)
    width, height = player_size(video)
    iframe = embed_iframe(links["embed_url"], title=video.title, width=width, height=height)
    shareable = selectors.video_is_shareable(video=video)
    return {"video": video, "embed_code": iframe, "shareable": shareable, **links}


@register.simple_tag
def related_videos(video) -> str:
    # The same list for everyone: one rendering per page generation serves signed-in pages too.
    return page_cache.fragment(
        f"related:{video.pk}",
        lambda: render_to_string(
            "sharing/related.html", {"related": selectors.video_related(video=video)}
        ),
    )


@register.inclusion_tag("sharing/channel_meta.html", takes_context=True)
def channel_meta(context, owner) -> dict:
    request = context["request"]
    url = reverse("channel", kwargs={"username": owner.username})
    feed = reverse("channel-feed", kwargs={"username": owner.username})
    return {
        "site_name": settings.SITE_NAME,
        "owner": owner,
        "channel_url": request.build_absolute_uri(url),
        "feed_url": request.build_absolute_uri(feed),
    }
