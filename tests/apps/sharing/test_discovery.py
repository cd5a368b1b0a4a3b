"""sitemap.xml, robots.txt and each channel's RSS feed: public ready videos only."""

from xml.etree import ElementTree

import pytest

from tests.factories import VideoFactory

pytestmark = pytest.mark.django_db
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _mixed_videos():
    public = VideoFactory(title="Public and ready")
    owner = public.owner
    others = [
        VideoFactory(owner=owner, title="Unlisted one", visibility="unlisted"),
        VideoFactory(owner=owner, title="Private one", visibility="private"),
        VideoFactory(owner=owner, title="Still processing", status="processing", published_at=None),
        VideoFactory(owner=owner, title="Hidden by moderators", moderation_state="hidden"),
    ]
    return public, others


def test_sitemap_lists_home_channels_and_public_ready_videos_only(client):
    public, others = _mixed_videos()
    answer = client.get("/sitemap.xml")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(answer.content)
    entries = {url.find(f"{SM}loc").text: url.find(f"{SM}lastmod") for url in root.iter(f"{SM}url")}
    assert "http://testserver/" in entries
    assert f"http://testserver/c/{public.owner.username}/" in entries
    assert entries[f"http://testserver/watch/{public.id}/"] is not None  # with lastmod
    for video in others:
        assert f"http://testserver/watch/{video.id}/" not in entries, video.title


def test_robots_txt_points_at_the_sitemap(client):
    answer = client.get("/robots.txt")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in answer.content.decode()


def test_channel_feed_lists_the_channels_public_ready_videos(client):
    public, others = _mixed_videos()
    VideoFactory(title="Another channel's video")
    answer = client.get(f"/c/{public.owner.username}/feed/")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(answer.content).find("channel")
    assert channel.find("title").text == public.owner.channel_name
    items = channel.findall("item")
    assert [i.find("title").text for i in items] == ["Public and ready"]
    assert items[0].find("link").text == f"http://testserver/watch/{public.id}/"
    assert items[0].find("pubDate") is not None
    assert client.get("/c/nobody-here/feed/").status_code == 404


def test_feed_descriptions_are_escaped_html(client):
    video = VideoFactory(description="<script>alert(1)</script> https://example.org")
    answer = client.get(f"/c/{video.owner.username}/feed/")
    description = ElementTree.fromstring(answer.content).find("channel/item/description").text
    # What a reader renders as HTML: the script is text, the link an anchor.
    assert "<script>" not in description and "&lt;script&gt;" in description
    assert '<a href="https://example.org" rel="nofollow ugc noopener"' in description


def test_channel_page_links_its_feed_and_has_previews(client):
    video = VideoFactory()
    body = client.get(f"/c/{video.owner.username}/").content.decode()
    feed = f"http://testserver/c/{video.owner.username}/feed/"
    assert f'<link rel="alternate" type="application/rss+xml" href="{feed}"' in body
    assert f'<meta property="og:title" content="{video.owner.channel_name}">' in body
