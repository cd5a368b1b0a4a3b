"""The player's settings menu (speed), theater mode, chapters and start rung, in a real
Chromium on videos made by the real pipeline."""

from __future__ import annotations

import subprocess
import time

import pytest
from playwright.sync_api import Page, expect

from apps.videos.models import Video
from tests.browser.test_watch_browser import _make_video, _open, _player, _wait_player
from tests.fixtures.processed import processed_once

pytestmark = [pytest.mark.browser, pytest.mark.pipeline]


@pytest.fixture
def tiny_video(request, samples) -> Video:
    """640x360, 4 s: rungs 144p, 240p, 360p; the session's one (test_watch_browser's too)."""
    return processed_once(request, "tiny", lambda: _make_video(samples["tiny_360p_4s.mp4"]))


@pytest.fixture
def chaptered_video(samples, pipeline_worker, tmp_path) -> Video:
    """The tiny clip with three chapter markers, as a camera or an editor writes them."""
    meta = tmp_path / "chapters.ffmetadata"
    meta.write_text(
        ";FFMETADATA1\n"
        "[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=2000\ntitle=Opening <b>bold</b>\n"
        "[CHAPTER]\nTIMEBASE=1/1000\nSTART=2000\nEND=3000\ntitle=Middle\n"
        "[CHAPTER]\nTIMEBASE=1/1000\nSTART=3000\nEND=4000\ntitle=Credits\n"
    )
    clip = tmp_path / "chaptered.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(samples["tiny_360p_4s.mp4"]), "-i", str(meta),
         "-map_metadata", "1", "-map", "0", "-c", "copy", str(clip)],
        check=True, timeout=60,
    )  # fmt: skip
    return _make_video(clip)


def _menu_item(page: Page, name: str):
    return page.get_by_role("menuitemradio", name=name, exact=True)


def test_speed_menu_sets_playback_rate_and_is_remembered(page, tiny_video):
    _open(page, tiny_video)
    settings = page.get_by_role("button", name="Settings")
    menu = page.get_by_role("menu", name="Settings")
    expect(menu).to_be_hidden()
    settings.click()
    expect(menu).to_be_visible()
    expect(settings).to_have_attribute("aria-expanded", "true")
    # Opened on the checked item, with the contract's Quality select left as it was.
    expect(_menu_item(page, "Normal")).to_be_focused()
    expect(_menu_item(page, "Normal")).to_have_attribute("aria-checked", "true")
    _menu_item(page, "1.5×").click()
    expect(menu).to_be_hidden()
    expect(settings).to_be_focused()
    assert _player(page, "v.playbackRate") == 1.5
    expect(page.get_by_role("combobox", name="Quality")).to_be_visible()

    page.reload()
    _wait_player(page, "v.currentTime > 0.3")
    assert _player(page, "v.playbackRate") == 1.5
    # Keyboard: < and > step through the speeds; the menu shows the new one.
    page.locator("body").press("<")
    assert _player(page, "v.playbackRate") == 1.25
    page.locator("body").press(">")
    page.locator("body").press(">")
    assert _player(page, "v.playbackRate") == 1.75

    # Menu button pattern: Enter opens on the checked item, arrows move, Escape closes and
    # gives focus back; a click outside closes it too.
    settings.focus()
    page.keyboard.press("Enter")
    expect(_menu_item(page, "1.75×")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(_menu_item(page, "2×")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(settings).to_be_focused()
    assert _player(page, "v.playbackRate") == 1.75  # Escape chose nothing
    settings.click()
    expect(menu).to_be_visible()
    page.get_by_role("heading", level=1).click()
    expect(menu).to_be_hidden()


def test_settings_menu_takes_sections_from_other_parts(page, tiny_video):
    _open(page, tiny_video)
    page.evaluate(
        """() => {
          window.__picked = null;
          window.StreamsitePlayerKit.settingsMenu.addSection({
            id: "test", label: "Test section",
            options: [{value: "a", label: "<b>Alpha</b>"}, {value: "b", label: "Beta"}],
            current: () => "a",
            choose: (value) => { window.__picked = value; },
          });
        }"""
    )
    page.get_by_role("button", name="Settings").click()
    expect(page.get_by_role("group", name="Test section")).to_be_visible()
    expect(_menu_item(page, "<b>Alpha</b>")).to_have_attribute("aria-checked", "true")
    _menu_item(page, "Beta").click()
    assert page.evaluate("() => window.__picked") == "b"


def test_theater_mode_widens_the_player_and_is_remembered(page, tiny_video):
    page.set_viewport_size({"width": 1600, "height": 900})
    _open(page, tiny_video)
    shell = page.locator("#player-shell")
    normal = shell.bounding_box()["width"]
    theater = page.get_by_role("button", name="Theater mode")
    theater.click()
    expect(page.locator(".watch")).to_have_attribute("data-theater", "")
    expect(page.get_by_role("button", name="Default view")).to_have_attribute(
        "aria-pressed", "true"
    )
    wide = shell.bounding_box()["width"]
    assert wide > normal + 200, (normal, wide)
    # The text below keeps its reading width.
    assert page.get_by_role("heading", level=1).bounding_box()["width"] <= normal + 1

    page.reload()
    expect(page.locator(".watch")).to_have_attribute("data-theater", "")
    _wait_player(page, "v.currentTime > 0.2")
    page.locator("body").press("t")
    expect(page.locator(".watch")).not_to_have_attribute("data-theater", "")
    assert shell.bounding_box()["width"] == pytest.approx(normal, abs=2)


def test_chapters_from_the_source_then_from_the_description(page, chaptered_video):
    video = chaptered_video
    assert [c["title"] for c in video.chapters] == ["Opening <b>bold</b>", "Middle", "Credits"]
    _open(page, video)
    marks = page.locator(".seek-chapter-mark")
    expect(marks).to_have_count(2)  # 0:00 needs no mark
    assert [float(m) for m in marks.evaluate_all("ms => ms.map(m => m.dataset.start)")] == [2, 3]
    current = page.locator("[data-chapter-current]")
    _player(page, "(v.pause(), v.currentTime = 0.5)")
    expect(current).to_have_text("Opening <b>bold</b>")  # text, not markup
    # Hovering the bar near the end names the chapter there, beside the seek preview's time.
    seek = page.locator("#player-seek").bounding_box()
    page.mouse.move(seek["x"] + seek["width"] * 0.9, seek["y"] + seek["height"] / 2)
    expect(page.locator("[data-seek-preview-chapter]")).to_have_text("Credits")

    # A valid chapter list in the description wins, and its times seek in place.
    Video.objects.filter(pk=video.pk).update(
        description="Parts:\n0:00 Start\n0:01 Early part\n0:02.5 not a chapter\n0:03 Final part"
    )
    page.reload()
    expect(marks).to_have_count(2)
    assert [float(m) for m in marks.evaluate_all("ms => ms.map(m => m.dataset.start)")] == [1, 3]
    _wait_player(page, "v.currentTime > 0.2")
    _player(page, "(v.pause(), v.currentTime = 0.2)")
    url = page.url
    page.locator(".description").get_by_role("link", name="0:03").click()
    _wait_player(page, "v.currentTime >= 3")
    assert page.url == url  # seeked in place, no navigation
    expect(current).to_have_text("Final part")


def test_remembered_fast_line_starts_above_the_lowest_rung(page, tiny_video):
    segments: list[str] = []
    page.on("request", lambda r: segments.append(r.url) if "/v/" in r.url else None)
    page.add_init_script(
        "localStorage.setItem('streamsite.bandwidth', JSON.stringify("
        f"{{bps: 50000000, at: {int(time.time() * 1000)}}}))"
    )
    _open(page, tiny_video)
    _wait_player(page, "v.currentTime > 0.3")
    media = [u for u in segments if not u.endswith(".m3u8")]
    assert media, segments
    # The very first media request is already from a rung above 144p, and the picture shows it.
    assert "/v/144p/" not in media[0], media
    assert _player(page, "v.videoHeight") > 144


def test_first_visit_starts_at_the_lowest_rung_and_remembers_the_line(page, tiny_video):
    segments: list[str] = []
    page.on("request", lambda r: segments.append(r.url) if "/v/" in r.url else None)
    _open(page, tiny_video)
    _wait_player(page, "v.currentTime > 0.3")
    media = [u for u in segments if not u.endswith(".m3u8")]
    assert media and "/v/144p/" in media[0], media
