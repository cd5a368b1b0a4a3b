"""Template tags through which shared templates (footer, upload form, search, watch page) show
CMS data without the videos app importing the CMS."""

from __future__ import annotations

from django import template

from apps.cms import selectors
from apps.cms.models import ReportReason
from streamsite import page_cache

register = template.Library()


@register.simple_tag
def footer_pages():
    # On every page: read once per page-cache window for everyone.
    return page_cache.shared("footer-pages", lambda: list(selectors.footer_pages()))


@register.simple_tag
def categories():
    return list(selectors.category_list())


@register.simple_tag
def report_reasons():
    return ReportReason.choices


@register.simple_tag
def video_category(video):
    return selectors.category_of(video=video)


@register.filter
def tag_list(video) -> list[str]:
    return selectors.tags_of(video=video)


@register.simple_tag
def moderation_warnings(user, limit: int = 5):
    """Warnings moderators gave this account, newest first (shown in the studio)."""
    return list(selectors.warnings_for(user=user)[:limit])
