"""Page text as safe HTML: Markdown (or HTML) in, nh3's allow-list out. Nothing staff type is
trusted: a stolen editor account must not be able to run script in every visitor's browser."""

from __future__ import annotations

import markdown
import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_page_body(body: str, fmt: str = "markdown") -> str:
    """Safe HTML for a page's body (the template marks the result safe, nothing else)."""
    html = body if fmt == "html" else markdown.markdown(body, extensions=["tables"])
    return sanitise_html(html)
