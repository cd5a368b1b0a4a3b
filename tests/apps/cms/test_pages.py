"""Simple pages: own URLs, footer links, and text sanitised whatever staff typed."""

import re
from html.parser import HTMLParser

import pytest

from apps.cms.models import Page
from apps.cms.sanitize import render_page_body

pytestmark = pytest.mark.django_db

# Known XSS vectors (OWASP's filter evasion cheat sheet and friends). Every one must come out
# with no script, no event handler, no javascript:/data: URL and no active element.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<IMG SRC="javascript:alert(1);">',
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<IMG SRC=`javascript:alert(1)`>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">ent</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>@import 'javascript:alert(1)';</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<<script>alert(1);//<</script>",
    '<p title="</p><img src=x onerror=alert(1)>">x</p>',
    "[click](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "<a href='vbscript:msgbox(1)'>vb</a>",
    '<base href="javascript:alert(1)//">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    "<!--<img src=x onerror=alert(1)>-->",
    '<img src="x` `<script>alert(1)</script>"` `>',
    '<a href="https://ok.example" onclick="alert(1)">ok</a>',
]
ALLOWED_TAGS = {"a", "p", "em", "strong", "code", "pre", "br", "ul", "ol", "li", "h2", "h3",
                "blockquote", "table", "thead", "tbody", "tr", "td", "th", "hr"}  # fmt: skip


class _Audit(HTMLParser):
    """Every element and attribute of the output, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name not in {"href", "title", "rel", "align"}:
                self.problems.append(f"{tag}[{name}]")
            if name == "href" and not re.match(r"^(https?:|mailto:|/|#)", (value or "").strip()):
                self.problems.append(f"href={value!r}")

    def handle_comment(self, data):
        self.problems.append("<!--")


def _problems(html: str) -> list[str]:
    audit = _Audit()
    audit.feed(html)
    audit.close()
    return audit.problems


@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_known_xss_payloads_come_out_inert(payload, fmt):
    html = render_page_body(payload, fmt)
    assert _problems(html) == [], html


def test_allowed_markdown_survives():
    html = render_page_body("## Rules\n\n*Be* **kind**. [Contact](https://example.org/x)\n\n- one")
    assert "<h2>Rules</h2>" in html and "<em>Be</em>" in html and "<strong>kind</strong>" in html
    assert 'href="https://example.org/x"' in html and "nofollow" in html and "<li>one</li>" in html


def test_pages_have_urls_and_footer_links(client):
    html = client.get("/").content.decode()
    for slug in ["about", "terms", "privacy", "community-guidelines"]:
        assert f'href="/pages/{slug}/"' in html
        assert client.get(f"/pages/{slug}/").status_code == 200


def test_a_page_served_is_sanitised_and_unpublished_pages_are_gone(client):
    Page.objects.create(
        slug="evil", title="Evil", body="Hi <img src=x onerror=alert(1)><script>alert(2)</script>"
    )
    html = client.get("/pages/evil/").content.decode()
    assert "onerror" not in html and "alert(2)" not in html and "Hi" in html
    Page.objects.filter(slug="evil").update(published=False)
    assert client.get("/pages/evil/").status_code == 404


def test_the_audit_would_catch_unsanitised_text():
    for raw in [
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "<svg/onload=1>",
    ]:
        assert _problems(raw)
