"""A video's description as HTML: text escaped, http(s) links clickable, line breaks kept.

Built from escaped pieces rather than by cleaning HTML afterwards: only the anchors made here
are markup, so nothing a creator types (tags, `javascript:` URLs, quotes that try to open an
attribute) can become markup.
"""

from __future__ import annotations

import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# Up to the first whitespace or character that cannot appear unescaped in a URL we link.
_URL = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
# Punctuation that ends a sentence rather than the URL ("see https://x.org/a.").
_TRAILING = ".,;:!?)]}'"
_MAX_URL = 2000


def _split_trailing(url: str) -> tuple[str, str]:
    tail = ""
    while url and url[-1] in _TRAILING:
        # Keep a closing parenthesis that has its opening one in the URL (Wikipedia links).
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        tail = url[-1] + tail
        url = url[:-1]
    return url, tail


def _linkify_line(line: str) -> str:
    out: list[str] = []
    position = 0
    for match in _URL.finditer(line):
        url, tail = _split_trailing(match.group(0))
        out.append(escape(line[position : match.start()]))
        if len(url) <= len("https://") or len(url) > _MAX_URL:
            out.append(escape(url))
        else:
            out.append(
                format_html(
                    '<a href="{}" rel="nofollow ugc noopener" target="_blank">{}</a>', url, url
                )
            )
        out.append(escape(tail))
        position = match.end()
    out.append(escape(line[position:]))
    return "".join(out)


def description_html(text: str) -> SafeString:
    """Paragraphs on blank lines, `<br>` on single line breaks, links made clickable."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return mark_safe("")
    paragraphs = [p for p in re.split(r"\n{2,}", text) if p.strip()]
    html = "\n".join(
        "<p>" + "<br>".join(_linkify_line(line) for line in paragraph.split("\n")) + "</p>"
        for paragraph in paragraphs
    )
    # Every piece above was escaped or built by format_html.
    return mark_safe(html)
