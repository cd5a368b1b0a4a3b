from __future__ import annotations

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse

from apps.history import selectors, services

register = template.Library()


@register.inclusion_tag("history/sync.html", takes_context=True)
def history_sync(context, video) -> dict:
    """The watch page's link to the server-side history (read by static/js/player/resume.js);
    nothing for anonymous viewers, who keep positions in localStorage only."""
    request = context["request"]
    user = request.user
    if not user.is_authenticated:
        return {"enabled": False}
    position = selectors.history_resume_position(user=user, video=video)
    return {
        "enabled": True,
        "video": video,
        "url": reverse("api-history-entry", kwargs={"video_id": video.id}),
        "csrf": get_token(request),
        "position": "" if position is None else f"{position:.1f}",
        "paused": services.history_is_paused(user=user),
    }
