"""The player's server-side parts: its chapter list, and chapter seek links in descriptions."""

from __future__ import annotations

import json
import re

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


# Where a line of text starts: in plain text after a newline, in the description's HTML
# (apps.sharing's linked_description: escaped text, <p> paragraphs, <br> line breaks) after
# those tags too. Escaped user text cannot hold a literal "<p>" or "<br>".
_LINE_STARTS = re.compile(r"(<p>|<br>|\n)")


@register.filter(needs_autoescape=True)
def chapter_links(text: str, autoescape: bool = True) -> SafeString:
    """Turn the timestamp that starts a line ("1:30 Title") into a seek link; everything else
    stays as it was. Plain text is escaped first; safe HTML (the linkified description) is
    taken as it is. Use it after the linkifier: ``|linked_description|chapter_links``."""
    escaped = str(conditional_escape(text) if autoescape else text)
    pieces = []
    for piece in _LINE_STARTS.split(escaped):
        match = LINE_STAMP_RE.match(piece)
        if match:
            seconds = stamp_seconds(match)
            link = format_html(
                '<a href="?t={}" class="chapter-link" data-seek="{}">{}</a>',
                seconds,
                seconds,
                match["stamp"],
            )
            piece = match["lead"] + link + piece[match.end() :]
        pieces.append(piece)
    # Built from escaped text (or safe HTML) and format_html parts only.
    return mark_safe("".join(pieces))
