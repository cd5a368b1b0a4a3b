"""The watch page's player in a real Chromium, on videos made by the real pipeline: hls.js
playback, the Quality menu, seeking, chunk joins, failures, shortcuts, DASH, remembered choices.

The live server needs committed data (a transactional test database, emptied after each test):
tests that only read the tiny clip's video share one made once (tests/fixtures/processed.py);
tests that break its files make their own.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from django.core.files import File
from django.core.files.storage import default_storage
from playwright.sync_api import Page, expect

from apps.videos import services
from apps.videos.models import Video
from apps.videos.pipeline import storage
from tests.factories import CreatorFactory
from tests.fixtures.pipeline import wait_for_video
from tests.fixtures.processed import processed_once

DASHJS = Path(__file__).parents[1] / "assets" / "vendor" / "dashjs" / "dash.mediaplayer.min.js"
pytestmark = [pytest.mark.browser, pytest.mark.pipeline]

PLAYER = "document.getElementById('player')"
# Installed before any page script: records the main player's events from the very start
# (media events do not bubble, but a capturing listener on the document sees them).
EVENT_LOG = """
window.__media = {playing: false, waitingAfterPlaying: [], ended: false, seeked: []};
const mine = (e) => e.target && e.target.id === 'player';
document.addEventListener('playing', (e) => { if (mine(e)) window.__media.playing = true; }, true);
document.addEventListener('waiting', (e) => {
  if (mine(e) && window.__media.playing) {
    window.__media.waitingAfterPlaying.push(e.target.currentTime);
  }
}, true);
document.addEventListener('ended', (e) => { if (mine(e)) window.__media.ended = true; }, true);
document.addEventListener('seeked', (e) => {
  if (mine(e)) window.__media.seeked.push(e.target.currentTime);
}, true);
"""


def _make_video(path: Path, **fields) -> Video:
    with open(path, "rb") as fh:
        video = services.video_create(
            owner=CreatorFactory(),
            title=f"Player test {path.stem}",
            description="A clip made by the test suite.",
            upload=File(fh, name=path.name),
            filename=path.name,
            **fields,
        )
    video = wait_for_video(video.id, timeout=120)
    assert video.status == "ready", video.error
    return video


@pytest.fixture
def tiny_video(request, samples) -> Video:
    """640x360, 4 s: rungs 144p, 240p, 360p. Made once in the session: only read it."""
    return processed_once(request, "tiny", lambda: _make_video(samples["tiny_360p_4s.mp4"]))


@pytest.fixture
def own_tiny_video(samples, pipeline_worker) -> Video:
    """The tiny clip made for this test alone: for tests that break its files."""
    return _make_video(samples["tiny_360p_4s.mp4"])


@pytest.fixture
def chunky_video(samples, pipeline_worker, settings) -> Video:
    """320x180 60 fps, 14 s, about one 4 s segment per chunk (boundaries move next to the
    source's keyframes): two or more chunks, encoded apart and joined afterwards."""
    settings.PIPELINE_SEGMENTS_PER_CHUNK = 1
    video = _make_video(samples["chunky_60fps_14s.mp4"])
    assert len(video.plan["chunks"]) >= 2
    return video


def _open(page: Page, video: Video):
    """Load the watch page and wait for the manifest: the Quality menu appears then."""
    page.add_init_script(EVENT_LOG)
    page.goto(f"/watch/{video.id}/")
    quality = page.get_by_role("combobox", name="Quality")
    expect(quality).to_be_visible()
    return quality


def _player(page: Page, expression: str):
    return page.evaluate(f"() => {{ const v = {PLAYER}; return {expression}; }}")


def _wait_player(page: Page, condition: str, timeout: float = 10_000) -> None:
    page.wait_for_function(f"() => {{ const v = {PLAYER}; return {condition}; }}", timeout=timeout)


def _pause_at(page: Page, seconds: float) -> None:
    """Pause, seek, and wait until the seek has landed."""
    count = len(page.evaluate("() => window.__media.seeked"))
    _player(page, f"(v.pause(), v.currentTime = {seconds})")
    page.wait_for_function(f"() => window.__media.seeked.length > {count}")


def test_ready_video_plays(page, tiny_video):
    response = page.request.get(f"/watch/{tiny_video.id}/")
    # The poster is in the server's HTML: it shows before any script has run.
    assert re.search(
        r'<video id="player"[^>]* poster="/media/[^/"]+/videos/[^"]+\.jpg"', response.text()
    )
    _open(page, tiny_video)
    _wait_player(page, "v.currentTime > 1")
    assert page.evaluate("() => window.__media.playing")
    expect(page.get_by_role("alert")).to_have_text("")
    # The page around the player keeps its facts, and its slots for later features.
    expect(page.get_by_role("heading", level=1)).to_have_text(tiny_video.title)
    owner = tiny_video.owner
    expect(page.get_by_role("link", name=owner.channel_name)).to_have_attribute(
        "href", f"/c/{owner.username}/"
    )
    expect(page.locator(".description")).to_contain_text("A clip made by the test suite.")
    expect(page.locator(".meta")).to_contain_text(" view")
    for slot in ("likes", "comments", "reactions", "ad-slot", "video-banners", "content-warning"):
        assert page.locator(f"#{slot}").count() == 1, slot


def test_quality_menu_lists_every_rung_and_locks_it(page, tiny_video):
    quality = _open(page, tiny_video)
    rungs = {r.name: r.height for r in tiny_video.renditions.all()}
    assert set(rungs) == {"144p", "240p", "360p"}
    options = quality.locator("option").all_text_contents()
    assert options == ["Auto", "360p", "240p", "144p"]
    now_playing = page.locator("[data-now-playing]")
    expect(now_playing).to_have_text(re.compile(r"^Auto · \d+p$"))
    # A 4 s clip ends quickly: loop it so every switch has frames left to show.
    _player(page, "(v.loop = true)")
    for name in ("144p", "360p", "240p"):
        quality.select_option(label=name)
        _wait_player(page, f"v.videoHeight === {rungs[name]}")
        expect(now_playing).to_have_text(name)
        assert page.evaluate("() => window.streamsitePlayer.autoLevelEnabled") is False
    quality.select_option(label="Auto")
    assert page.evaluate("() => window.streamsitePlayer.autoLevelEnabled") is True
    expect(now_playing).to_have_text(re.compile(r"^Auto · \d+p$"))


def test_seek_lands_where_asked_and_previews_the_sprite(page, tiny_video):
    _open(page, tiny_video)
    _wait_player(page, "v.readyState >= 2")
    seek = page.get_by_role("slider", name="Seek")
    _player(page, "v.pause()")
    count = len(page.evaluate("() => window.__media.seeked"))
    seek.fill("2.5")  # sets the slider's value and fires input + change, as a drag would
    page.wait_for_function(f"() => window.__media.seeked.length > {count}")
    assert abs(page.evaluate("() => window.__media.seeked.at(-1)") - 2.5) < 0.5
    expect(seek).to_have_attribute("aria-valuetext", "0:02 of 0:04")

    # Hovering the bar shows the sprite tile for the time under the pointer.
    box = seek.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] / 2)
    preview = page.locator("[data-seek-preview]")
    expect(preview).to_be_visible()
    expect(preview).to_contain_text("0:03")
    # The sprite's cues load in the background: wait for the tile rather than read it once.
    image = page.locator("[data-seek-preview-image]")
    expect(image).to_have_attribute("style", re.compile(r"sprite\.jpg"))
    expect(image).to_have_attribute("style", re.compile(r"background-position: -480px 0px"))
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] - 200)
    expect(preview).to_be_hidden()


def test_playback_across_chunk_joins_does_not_stall(page, chunky_video):
    _open(page, chunky_video)
    _player(page, "(v.playbackRate = 2)")
    page.wait_for_function("() => window.__media.ended", timeout=30_000)
    assert page.evaluate("() => window.__media.waitingAfterPlaying") == []
    duration = _player(page, "v.duration")
    assert duration == pytest.approx(14, abs=0.3)
    assert _player(page, "v.currentTime") > duration - 0.5


def test_missing_master_playlist_shows_an_alert(page, own_tiny_video):
    tiny_video = own_tiny_video
    default_storage.delete(tiny_video.master_playlist)
    page.goto(f"/watch/{tiny_video.id}/")
    expect(page.get_by_role("alert")).to_contain_text("its stream could not be loaded")
    expect(page.get_by_role("alert").get_by_role("button", name="Try again")).to_be_visible()
    expect(page.get_by_role("combobox", name="Quality")).to_be_hidden()


def test_failing_segments_show_an_alert(page, own_tiny_video):
    tiny_video = own_tiny_video
    segments = [n for n in storage.walk(tiny_video.output_prefix) if n.endswith(".m4s")]
    assert segments
    for name in segments:
        default_storage.delete(name)
    start = time.monotonic()
    page.goto(f"/watch/{tiny_video.id}/")
    # hls.js first retries (other rungs, then backing off: about 11 s in all) before it gives
    # up; a passing network hiccup must not end playback.
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("its stream could not be loaded", timeout=25_000)
    assert time.monotonic() - start < 25
    assert _player(page, "v.currentTime") == 0


def test_keyboard_shortcuts(page, chunky_video):
    _open(page, chunky_video)
    _wait_player(page, "v.currentTime > 0.2")
    page.locator("h1").click()  # focus on the page, outside any control

    page.keyboard.press("k")
    _wait_player(page, "v.paused")
    page.keyboard.press("k")
    _wait_player(page, "!v.paused")
    page.keyboard.press(" ")
    _wait_player(page, "v.paused")

    _pause_at(page, 2)
    for key, target in (("l", 12), ("l", 14), ("j", 4), ("ArrowRight", 9), ("ArrowLeft", 4)):
        page.keyboard.press(key)
        _wait_player(page, f"Math.abs(v.currentTime - {target}) < 0.5 && !v.seeking")

    page.keyboard.press("m")
    _wait_player(page, "v.muted")
    page.keyboard.press("m")
    _wait_player(page, "!v.muted")
    _player(page, "(v.volume = 0.5)")
    page.keyboard.press("ArrowDown")
    _wait_player(page, "Math.abs(v.volume - 0.45) < 0.001")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    _wait_player(page, "Math.abs(v.volume - 0.55) < 0.001")

    page.keyboard.press("f")
    page.wait_for_function("() => document.fullscreenElement?.id === 'player-shell'")
    expect(page.get_by_role("button", name="Exit full screen")).to_be_visible()
    page.keyboard.press("f")
    page.wait_for_function("() => document.fullscreenElement === null")

    # Typing in a text field is typing, not shortcuts.
    before = _player(page, "[v.paused, v.muted, v.currentTime]")
    page.get_by_role("searchbox", name="Search videos").type("k l m j")
    expect(page.get_by_role("searchbox", name="Search videos")).to_have_value("k l m j")
    assert _player(page, "[v.paused, v.muted, v.currentTime]") == before


def test_dashjs_plays_the_mpd(page, tiny_video):
    body = page.request.get(f"/api/v1/videos/{tiny_video.id}/").json()
    assert body["dash_url"].endswith("/manifest.mpd")
    _open(page, tiny_video)
    # Silence the page's own player so that only dash.js is fetching and decoding.
    page.evaluate("() => { window.streamsitePlayer.destroy(); }")
    # dash.js is a test asset, not served by the site: the browser gets it from the test under
    # a same-origin URL, which the page's strict CSP allows (an inline copy would be blocked).
    page.route("**/test-assets/dash.js", lambda route: route.fulfill(path=DASHJS))
    page.add_script_tag(url="/test-assets/dash.js")
    page.evaluate(
        """(url) => {
            const el = document.createElement('video');
            el.id = 'dash-test';
            el.muted = true;
            document.body.append(el);
            window.dashjs.MediaPlayer().create().initialize(el, url, true);
        }""",
        body["dash_url"],
    )
    page.wait_for_function(
        "() => document.getElementById('dash-test').currentTime > 1", timeout=15_000
    )
    assert page.evaluate("() => document.getElementById('dash-test').videoHeight") > 0


def test_quality_choice_is_remembered(page, tiny_video):
    quality = _open(page, tiny_video)
    _player(page, "(v.loop = true)")
    quality.select_option(label="240p")
    _wait_player(page, "v.videoHeight === 240")

    segments: list[str] = []
    page.on("request", lambda r: segments.append(r.url) if "/v/" in r.url else None)
    page.reload()
    quality = page.get_by_role("combobox", name="Quality")
    expect(quality.locator("option:checked")).to_have_text("240p")
    _wait_player(page, "v.videoHeight === 240 && v.currentTime > 0.5")
    assert page.evaluate("() => window.streamsitePlayer.autoLevelEnabled") is False
    # Applied before the first request: no other rung was fetched on the way.
    assert segments and all("/v/240p/" in url for url in segments), segments

    # A choice this video cannot honour gets the nearest rung below it.
    page.evaluate("() => localStorage.setItem('streamsite.quality', '1080p')")
    page.reload()
    expect(quality.locator("option:checked")).to_have_text("360p")
    _wait_player(page, "v.videoHeight === 360")


def test_content_warning_holds_playback_until_accepted(page, samples, pipeline_worker):
    video = _make_video(samples["tiny_360p_4s.mp4"], content_warning="Flashing lights")
    page.goto(f"/watch/{video.id}/")
    warning = page.locator("#content-warning")
    expect(warning).to_contain_text("Content warning: Flashing lights")
    page.keyboard.press("k")  # shortcuts must not start playback behind it
    page.wait_for_timeout(500)
    assert _player(page, "[v.paused, v.currentTime, v.poster]") == [True, 0, ""]
    assert page.evaluate("() => window.streamsitePlayer === undefined")

    page.get_by_role("button", name="Watch anyway").click()
    expect(warning).to_be_hidden()
    _wait_player(page, "v.currentTime > 0.5")
    expect(page.get_by_role("button", name="Pause")).to_be_focused()


def test_resumes_where_the_viewer_left_off(page, chunky_video):
    _open(page, chunky_video)
    _pause_at(page, 8)
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('streamsite.positions'))")
    assert stored[chunky_video.id][0] == pytest.approx(8, abs=0.2)

    page.reload()
    _wait_player(page, "v.currentTime >= 8 && !v.paused")
    expect(page.locator("[data-resume]")).to_contain_text("Resumed at 0:08.")
    page.get_by_role("button", name="Start over").click()
    _wait_player(page, "v.currentTime < 3")
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('streamsite.positions'))")
    assert chunky_video.id not in stored
