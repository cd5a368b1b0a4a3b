from __future__ import annotations

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape, urlize
from django.utils.safestring import mark_safe

from apps.comments import selectors

register = template.Library()


@register.filter
def comment_body(comment) -> str:
    """The text escaped, line breaks kept; links clickable (nofollow) only from established
    accounts."""
    if selectors.author_links_allowed(comment.author):
        html = urlize(comment.body, nofollow=True, autoescape=True)
    else:
        html = escape(comment.body)
    return mark_safe(html.replace("\n", "<br>"))


@register.inclusion_tag("comments/section.html", takes_context=True)
def comments_section(context, video) -> dict:
    request = context["request"]
    user = request.user
    sort = request.GET.get("sort", "newest")
    sort = sort if sort in selectors.SORTS else "newest"
    return {
        "request": request,
        "user": user,
        "video": video,
        "sort": sort,
        "page": selectors.comment_page(video=video, sort=sort),
        "count": selectors.comment_count(video_id=video.id),
        "can_moderate": selectors.comment_can_moderate(video=video, user=user),
        "can_pin": selectors.comment_can_pin(video=video, user=user),
        "max_length": settings.COMMENT_MAX_LENGTH,
        "loaded_at": timezone.now().isoformat(),
    }
