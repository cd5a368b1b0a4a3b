"""The player's server-side parts: its chapter list, and chapter seek links in descriptions."""

from __future__ import annotations

import json

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from apps.videos.models import Video
from apps.videos.selectors import video_chapters
from media_pipeline.chapters import LINE_STAMP_RE, stamp_seconds

register = template.Library()


@register.simple_tag
def chapters_json(video: Video) -> str:
    """The chapters as JSON for a data attribute (simple_tag output is escaped)."""
    return json.dumps(video_chapters(video=video), ensure_ascii=False, separators=(",", ":"))


@register.filter(needs_autoescape=True)
def chapter_links(text: str, autoescape: bool = True) -> SafeString:
    """Escape the description and turn the timestamp that starts a line ("1:30 Title") into a
    seek link; everything else stays text. Returns safe HTML for |linebreaks (and a linkifier)
    to build on: they leave safe input unescaped."""
    escaped = str(conditional_escape(text) if autoescape else text)
    lines = []
    for line in escaped.split("\n"):
        match = LINE_STAMP_RE.match(line)
        if match:
            seconds = stamp_seconds(match)
            link = format_html(
                '<a href="?t={}" class="chapter-link" data-seek="{}">{}</a>',
                seconds,
                seconds,
                match["stamp"],
            )
            line = match["lead"] + link + line[match.end() :]
        lines.append(line)
    # Built from escaped text and format_html parts only.
    return mark_safe("\n".join(lines))
