"""The embed page and oEmbed: who may see them, how they may be framed, what they answer."""

import pytest

from apps.live import services as live
from tests.factories import CreatorFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


def _csp(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {d.split()[0]: d.strip() for d in policy.split(";") if d.strip()}


def test_embed_page_may_be_framed_by_any_site_the_rest_never(client):
    video = VideoFactory(master_playlist="videos/x/master.m3u8")
    embed = client.get(f"/embed/{video.id}/")
    assert embed.status_code == 200
    assert _csp(embed)["frame-ancestors"] == "frame-ancestors *"
    assert "X-Frame-Options" not in embed
    # Only the framing rule is relaxed: scripts stay our own.
    assert _csp(embed)["script-src"] == "script-src 'self'"
    for url in (f"/watch/{video.id}/", "/", f"/c/{video.owner.username}/"):
        page = client.get(url)
        assert _csp(page)["frame-ancestors"] == "frame-ancestors 'none'", url
        assert page["X-Frame-Options"] == "DENY", url


def test_embed_is_the_player_alone_with_a_title_link_to_the_watch_page(client):
    video = VideoFactory(title="Ocean <waves>", master_playlist="videos/x/master.m3u8")
    body = client.get(f"/embed/{video.id}/?t=5").content.decode()
    assert 'id="player"' in body and 'data-start-at="5"' in body
    assert f'href="/watch/{video.id}/?t=5" target="_blank" rel="noopener"' in body
    assert "Ocean &lt;waves&gt;" in body
    # No site header, no ads, no comments.
    assert "site-header" not in body and "ads.js" not in body and 'id="comments"' not in body


def test_embed_of_a_stream_plays_it_live_and_follows_its_states(client):
    creator = CreatorFactory()
    stream = live.live_create(owner=creator, title="Friday <show>")
    embed_url = f"/embed/{stream.video_id}/"
    body = client.get(embed_url).content.decode()
    assert "has not started yet" in body and "still processing" not in body

    live.live_publish_begin(stream_key=stream.stream_key)
    embed = client.get(embed_url)
    body = embed.content.decode()
    # The live page's player (live mode) on the stream's playlist, driven by js/live.js.
    assert f'data-stream-id="{stream.id}"' in body and 'data-status="live"' in body
    assert 'id="player"' in body and 'aria-label="Live player"' in body and "js/live.js" in body
    assert f'data-hls-url="/media/{stream.master_name}"' in body
    assert "still processing" not in body
    # Its title leads to the live page; it may still be framed by any site.
    assert f'href="/live/{stream.id}/"' in body and "Friday &lt;show&gt;" in body
    assert _csp(embed)["frame-ancestors"] == "frame-ancestors *"

    live.live_end(stream_id=stream.id, by=creator)
    body = client.get(embed_url).content.decode()
    assert 'data-status="ended"' in body and "This live stream has ended." in body


def test_embed_follows_the_visibility_rules(client):
    private = VideoFactory(visibility="private")
    unlisted = VideoFactory(visibility="unlisted")
    hidden = VideoFactory(moderation_state="hidden")
    assert client.get(f"/embed/{private.id}/").status_code == 404
    assert client.get(f"/embed/{hidden.id}/").status_code == 404
    assert client.get(f"/embed/{unlisted.id}/").status_code == 200
    assert client.get("/embed/nope/").status_code == 404
    client.force_login(private.owner)
    assert client.get(f"/embed/{private.id}/").status_code == 200


def test_embed_keeps_the_content_warning_gate(client):
    video = VideoFactory(content_warning="Flashing lights", poster="videos/x/poster.jpg")
    body = client.get(f"/embed/{video.id}/").content.decode()
    assert "data-content-warning" in body and "Flashing lights" in body
    assert ' poster="' not in body  # nothing shows behind the gate


def test_oembed_answers_oembed_1_0(client):
    video = VideoFactory(
        title='A "quoted" <title>', width=1280, height=720, poster="videos/x/poster.jpg"
    )
    url = f"http://testserver/watch/{video.id}/"
    answer = client.get("/oembed/", {"url": url, "format": "json"})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    data = answer.json()
    assert data["type"] == "video" and data["version"] == "1.0"
    assert data["title"] == 'A "quoted" <title>'
    assert data["author_name"] == video.owner.channel_name
    assert data["author_url"] == f"http://testserver/c/{video.owner.username}/"
    assert data["provider_name"] == "Streamsite"
    assert data["provider_url"] == "http://testserver/"
    assert (data["width"], data["height"]) == (640, 360)
    assert data["thumbnail_url"].startswith("http://testserver/media/")
    assert data["thumbnail_url"].endswith("videos/x/poster.jpg")
    assert (data["thumbnail_width"], data["thumbnail_height"]) == (1280, 720)
    assert data["html"] == (
        f'<iframe src="http://testserver/embed/{video.id}/" width="640" height="360" '
        'title="A &quot;quoted&quot; &lt;title&gt;" frameborder="0" '
        'allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>'
    )


def test_oembed_honours_maxwidth_and_maxheight(client):
    video = VideoFactory(width=640, height=360)
    url = f"http://testserver/watch/{video.id}/"
    small = client.get("/oembed/", {"url": url, "maxwidth": "320"}).json()
    assert (small["width"], small["height"]) == (320, 180)
    short = client.get("/oembed/", {"url": url, "maxwidth": "500", "maxheight": "90"}).json()
    assert (short["width"], short["height"]) == (160, 90)
    assert 'width="160" height="90"' in short["html"]
    junk = client.get("/oembed/", {"url": url, "maxwidth": "abc"}).json()
    assert junk["width"] == 640


def test_oembed_keeps_the_shared_start_time(client):
    video = VideoFactory(duration=100.0)
    url = f"http://testserver/watch/{video.id}/?t=1m30s"
    html = client.get("/oembed/", {"url": url}).json()["html"]
    assert f'src="http://testserver/embed/{video.id}/?t=90"' in html
    beyond = f"http://testserver/watch/{video.id}/?t=500"
    html = client.get("/oembed/", {"url": beyond}).json()["html"]
    assert f'src="http://testserver/embed/{video.id}/"' in html


def test_oembed_refusals(client):
    video = VideoFactory()
    private = VideoFactory(visibility="private")
    unlisted = VideoFactory(visibility="unlisted")
    watch = f"http://testserver/watch/{video.id}/"
    assert client.get("/oembed/", {"url": watch, "format": "xml"}).status_code == 501
    for url in (
        f"http://testserver/watch/{private.id}/",
        "http://testserver/watch/nope/",
        f"http://evil.example/watch/{video.id}/",
        f"http://testserver/embed/{video.id}/",
        f"javascript://testserver/watch/{video.id}/",
        "http://testserver/",
        "",
    ):
        assert client.get("/oembed/", {"url": url}).status_code == 404, url
    # The owner asking changes nothing: oEmbed answers for the world, not for a session.
    client.force_login(private.owner)
    url = f"http://testserver/watch/{private.id}/"
    assert client.get("/oembed/", {"url": url}).status_code == 404
    unlisted_url = f"http://testserver/watch/{unlisted.id}/"
    assert client.get("/oembed/", {"url": unlisted_url}).status_code == 200


def test_watch_page_carries_previews_and_oembed_discovery(client):
    video = VideoFactory(title="Sunset <b>", description="Golden hour.", poster="videos/x/p.jpg")
    body = client.get(f"/watch/{video.id}/").content.decode()
    assert '<meta property="og:title" content="Sunset &lt;b&gt;">' in body
    assert '<meta property="og:description" content="Golden hour.">' in body
    assert '<meta property="og:type" content="video.other">' in body
    assert f'<meta property="og:video" content="http://testserver/embed/{video.id}/">' in body
    assert '<meta property="og:image" content="http://testserver/media/' in body
    assert '<meta name="twitter:card" content="player">' in body
    assert f'<meta name="twitter:player" content="http://testserver/embed/{video.id}/">' in body
    oembed = (
        '<link rel="alternate" type="application/json+oembed" href="http://testserver/oembed/'
        f"?url=http%3A%2F%2Ftestserver%2Fwatch%2F{video.id}%2F&amp;format=json"
    )
    assert oembed in body


def test_private_video_pages_carry_no_previews(client):
    video = VideoFactory(visibility="private", title="My secret plans")
    client.force_login(video.owner)
    body = client.get(f"/watch/{video.id}/").content.decode()
    assert "My secret plans" in body
    assert "og:title" not in body and "json+oembed" not in body
    # The owner may still copy the link, told that nobody else can open it.
    assert "data-share-private" in body
    public = VideoFactory(owner=video.owner)
    assert "data-share-private" not in client.get(f"/watch/{public.id}/").content.decode()


def test_watch_page_start_time_from_the_url(client):
    video = VideoFactory(duration=100.0)
    assert 'data-start-at="90"' in client.get(f"/watch/{video.id}/?t=90").content.decode()
    assert 'data-start-at="90"' in client.get(f"/watch/{video.id}/?t=1m30s").content.decode()
    for bad in ("100", "5m", "abc", "-3", '1"><script>'):
        body = client.get(f"/watch/{video.id}/", {"t": bad}).content.decode()
        assert "data-start-at" not in body, bad


def test_share_dialog_offers_the_link_and_embed_code(client):
    video = VideoFactory(title="Share <me>")
    client.force_login(UserFactory())
    body = client.get(f"/watch/{video.id}/").content.decode()
    assert 'data-action="share-open"' in body
    assert f'value="http://testserver/watch/{video.id}/"' in body
    assert f"&lt;iframe src=&quot;http://testserver/embed/{video.id}/&quot;" in body
