"""Template side of broadcasts: what the page's banner slots render server-side."""

from __future__ import annotations

from django import template
from django.utils import timezone

from apps.broadcasts import selectors
from apps.broadcasts.models import Display
from streamsite import page_cache

register = template.Library()


def _scope(context) -> tuple[str | None, str | None]:
    """The page's video or live stream, from the view's context (`video`, `live_stream`)."""
    video = context.get("video")
    live = context.get("live_stream")
    video_id = getattr(video, "pk", None) if video is not None else None
    live_id = getattr(live, "pk", None) if live is not None else None
    return (str(video_id) if video_id else None, str(live_id) if live_id else None)


@register.simple_tag(takes_context=True)
def page_broadcasts(context) -> dict:
    """Banners and news flashes in force for this page and viewer, worked out once per request
    (the site slot and the watch page's video slot both ask)."""
    request = context.get("request")
    cached = getattr(request, "_page_broadcasts", None)
    if cached is not None:
        return cached
    video_id, live_id = _scope(context)
    user = getattr(request, "user", None)
    video_id = selectors.broadcast_video_scope(
        video_id=video_id, user=user, video=context.get("video")
    )
    items = selectors.broadcast_for_page(
        user=user,
        session=getattr(request, "session", {}),
        video_id=video_id,
        live_stream_id=live_id,
    )
    result = {
        "video": video_id or "",
        "live": live_id or "",
        "now": timezone.now(),
        "site": [b for b in items if b.display == Display.BANNER and not b.video_id],
        "video_banners": [b for b in items if b.display == Display.BANNER and b.video_id],
        "tickers": [b for b in items if b.display == Display.TICKER],
        "critical": [b for b in items if b.severity == "critical"],
    }
    if request is not None:
        request._page_broadcasts = result
    return result


@register.simple_tag
def video_disclaimer(video):
    return selectors.disclaimer_for_video(video_id=video.pk) if video is not None else None


@register.simple_tag(takes_context=True)
def can_issue_broadcasts(context) -> bool:
    """The header's Broadcasts link. A viewer's permissions are two queries on every page they
    load; the answer is shared for a page-cache window (the API checks them on every call)."""
    user = context.get("user")
    if user is None or not user.is_authenticated or user.is_staff:
        return selectors.broadcast_can_issue(user)
    return page_cache.shared(
        f"can-broadcast:{user.pk}", lambda: selectors.broadcast_can_issue(user)
    )
