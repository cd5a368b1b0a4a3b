"""Sharing in a real Chromium on videos made by the real pipeline: a `?t=` link starts there, the
Share dialog hands out the link at the current time, and the embed page plays inside an iframe
of another origin."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.files import File
from playwright.sync_api import expect

from apps.videos import services
from apps.videos.models import Video
from tests.factories import CreatorFactory
from tests.fixtures.pipeline import wait_for_video
from tests.media_samples import _FAST_X264, _default_ffmpeg, _ffmpeg_maker, _video_src

pytestmark = [pytest.mark.browser, pytest.mark.pipeline]

PLAYER = "document.getElementById('player')"


def _make_video(path: Path, title: str) -> Video:
    with open(path, "rb") as fh:
        video = services.video_create(
            owner=CreatorFactory(),
            title=title,
            description="Made by the sharing tests.",
            upload=File(fh, name=path.name),
            filename=path.name,
        )
    video = wait_for_video(video.id, timeout=150)
    assert video.status == "ready", video.error
    return video


@pytest.fixture(scope="session")
def long_clip(tmp_path_factory) -> Path:
    """100 s at 256x144 and 5 fps, no audio: long enough for `?t=90`, cheap to encode."""
    out = tmp_path_factory.mktemp("sharing") / "long_144p_100s.mp4"
    _ffmpeg_maker(_default_ffmpeg())(out, [*_video_src(256, 144, 5, 100), *_FAST_X264])
    return out


@pytest.fixture
def long_video(long_clip, pipeline_worker) -> Video:
    return _make_video(long_clip, "A hundred seconds")


def test_t_link_starts_at_90s_and_share_dialog_gives_the_time(page, long_video):
    # This viewer left off at 40 s: the link's time wins over resuming.
    page.goto("/robots.txt")
    page.evaluate(
        "([id]) => localStorage.setItem('streamsite.positions', "
        "JSON.stringify({[id]: [40, Date.now()]}))",
        [long_video.id],
    )
    page.goto(f"/watch/{long_video.id}/?t=1m30s")
    page.wait_for_function(
        f"() => {{ const v = {PLAYER}; return v.currentTime >= 90 && !v.paused; }}",
        timeout=20_000,
    )
    assert page.evaluate(f"() => {PLAYER}.currentTime") < 99
    # No "Resumed at" hint either.
    expect(page.locator("[data-resume]")).to_be_hidden()

    page.evaluate(f"() => {{ const v = {PLAYER}; v.pause(); v.currentTime = 93.4; }}")
    page.wait_for_function(f"() => {{ const v = {PLAYER}; return !v.seeking; }}")
    page.get_by_role("button", name="Share").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    link = dialog.get_by_label("Link")
    watch_url = page.url.split("?")[0]
    expect(link).to_have_value(watch_url)
    at = dialog.get_by_label("Start at 1:33")
    at.check()
    expect(link).to_have_value(f"{watch_url}?t=93")
    embed = dialog.get_by_label("Embed")
    expect(embed).to_have_value(
        f'<iframe src="{page.url.split("/watch/")[0]}/embed/{long_video.id}/?t=93" '
        'width="640" height="360" title="A hundred seconds" frameborder="0" '
        'allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>'
    )
    dialog.get_by_role("button", name="Copy").first.click()
    expect(dialog.get_by_role("status")).not_to_have_text("")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()

    # The shared link, opened in a fresh tab, starts there.
    other = page.context.new_page()
    other.goto(f"{watch_url}?t=93")
    other.wait_for_function(f"() => {PLAYER}.currentTime >= 93", timeout=20_000)
    other.close()


class _OtherOrigin(BaseHTTPRequestHandler):
    html = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.html)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def other_origin():
    """A second local server on another port and host name: another origin."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OtherOrigin)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_embed_plays_inside_an_iframe_on_another_origin(
    page, samples, pipeline_worker, live_site, other_origin
):
    video = _make_video(samples["tiny_360p_4s.mp4"], "Embedded clip")
    _OtherOrigin.html = (
        "<!doctype html><title>Someone's blog</title><h1>My blog</h1>"
        f'<iframe id="frame" src="{live_site}/embed/{video.id}/" width="640" height="360" '
        'allow="autoplay; fullscreen"></iframe>'
    ).encode()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "frame-ancestors" in m.text else None)
    page.goto(f"http://localhost:{other_origin.server_address[1]}/")
    frame = page.frame_locator("#frame")
    expect(frame.get_by_role("link", name="Embedded clip")).to_have_attribute("target", "_blank")
    handle = page.wait_for_selector("#frame").content_frame()
    handle.wait_for_function(
        f"() => {{ const v = {PLAYER}; return v && v.currentTime > 0.5 && v.videoHeight > 0; }}",
        timeout=20_000,
    )
    assert not blocked
    # The watch page itself refuses to be framed there.
    _OtherOrigin.html = f'<iframe id="frame" src="{live_site}/watch/{video.id}/"></iframe>'.encode()
    page.goto(f"http://localhost:{other_origin.server_address[1]}/again")
    framed = page.wait_for_selector("#frame").content_frame()
    page.wait_for_timeout(500)
    assert framed.evaluate("() => document.getElementById('player')") is None
