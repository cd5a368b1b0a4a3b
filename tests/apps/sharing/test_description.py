from html.parser import HTMLParser

import pytest

from apps.sharing.description import description_html
from tests.factories import VideoFactory


def test_http_links_become_safe_anchors_and_line_breaks_stay():
    html = description_html("Hello\nSee https://example.org/a?b=1&c=2.\n\nBye")
    assert html == (
        '<p>Hello<br>See <a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener"'
        ' target="_blank">https://example.org/a?b=1&amp;c=2</a>.</p>\n<p>Bye</p>'
    )


class _Markup(HTMLParser):
    """Every tag and attribute a browser would build from the HTML."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "javascript:alert(1)",
        '<a href="javascript:alert(1)">x</a>',
        'https://x.org/"onmouseover="alert(1)',
        "https://x.org/'onmouseover='alert(1)",
        'see https://x.org/a" onmouseover="alert(1)" b="',
        "https://x.org/<img src=x onerror=alert(1)>",
        "<img src=x onerror=alert(1)>",
        "JaVaScRiPt:alert(1) data:text/html,<script>alert(1)</script>",
    ],
)
def test_hostile_text_stays_inert(hostile):
    parser = _Markup()
    parser.feed(description_html(hostile))
    for tag, attrs in parser.tags:
        assert tag in {"p", "br", "a"}, tag
        if tag == "a":
            assert set(attrs) == {"href", "rel", "target"}, attrs
            assert attrs["href"].startswith(("http://", "https://")), attrs
            assert attrs["rel"] == "nofollow ugc noopener"


def test_chapter_lines_stay_text():
    assert description_html("00:00 Intro\n01:30 Part two") == "<p>00:00 Intro<br>01:30 Part two</p>"


@pytest.mark.django_db
def test_watch_page_shows_the_description_linked_and_escaped(client):
    video = VideoFactory(description='Docs: https://example.org/docs\n<script>alert("x")</script>')
    body = client.get(f"/watch/{video.id}/").content.decode()
    assert '<a href="https://example.org/docs" rel="nofollow ugc noopener" target="_blank">' in body
    assert '<script>alert("x")</script>' not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
