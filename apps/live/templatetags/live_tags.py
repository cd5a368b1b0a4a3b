"""`{% live_now_row %}`: the home page's "Live now" row, kept in the live app."""

from django import template

from apps.live import selectors

register = template.Library()


@register.inclusion_tag("live/live_now.html")
def live_now_row(limit: int = 12) -> dict:
    return {"streams": list(selectors.live_list_now()[:limit])}
