from django import template

from apps.notifications.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/badge.html", takes_context=True)
def notification_link(context) -> dict:
    """The header's link with the unread count, server-rendered; static/js/notify-badge.js
    counts up as `notification` messages arrive on /ws/site/."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"count": unread_count(user=user)}
