"""Playlists and history in a real Chromium: saving from the watch page, a playlist playing
itself to the next video, a position resumed on another device, and Continue watching."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from apps.cms import services as cms
from apps.cms.models import HomeSection, SectionKind
from apps.history.models import WatchEntry
from apps.playlists import services
from apps.playlists.models import PlaylistItem
from apps.videos.models import Video
from tests.apps.playlists.factories import PlaylistFactory
from tests.browser.accounts import log_in
from tests.browser.test_watch_browser import _make_video
from tests.factories import UserFactory, VideoFactory

pytestmark = [pytest.mark.browser]

PLAYER = "document.getElementById('player')"


def _titled(path, title: str) -> Video:
    video = _make_video(path)
    Video.objects.filter(pk=video.pk).update(title=title)
    video.title = title
    return video


def _wait(condition, timeout: float = 15.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_save_to_watch_later_and_a_new_playlist_from_the_watch_page(page, fresh_cache):
    user = UserFactory()
    video = VideoFactory(title="Worth keeping")
    log_in(page, user)
    page.goto(f"/watch/{video.id}/")
    page.get_by_text("Save", exact=True).click()
    with page.expect_response(lambda r: "/watch-later/items/" in r.url) as added:
        page.get_by_label("Watch later").check()
    assert added.value.status == 201
    expect(page.locator("[data-save-status]")).to_have_text("Saved to Watch later.")
    page.get_by_label("New playlist").fill("Road trip")
    page.get_by_label("Visibility").select_option("unlisted")
    page.get_by_role("button", name="Create and save").click()
    expect(page.locator("[data-save-status]")).to_have_text("Saved to Road trip.")
    expect(page.get_by_label("Road trip")).to_be_checked()
    saved = PlaylistItem.objects.filter(video=video, playlist__owner=user)
    assert sorted(saved.values_list("playlist__title", flat=True)) == ["Road trip", "Watch later"]
    # Unchecking removes it; a reload shows what the server holds.
    page.get_by_label("Watch later").uncheck()
    expect(page.locator("[data-save-status]")).to_have_text("Removed from Watch later.")
    page.reload()
    page.get_by_text("Save", exact=True).click()
    expect(page.get_by_label("Watch later")).not_to_be_checked()
    expect(page.get_by_label("Road trip")).to_be_checked()


def test_owner_reorders_by_drag_and_drop(page, fresh_cache):
    owner = UserFactory()
    playlist = PlaylistFactory(owner=owner, title="Order me")
    for title in ("Alpha", "Beta", "Gamma"):
        services.playlist_add(playlist=playlist, video=VideoFactory(title=title), by=owner)
    log_in(page, owner)
    page.goto(f"/playlist/{playlist.id}/")
    items = page.locator(".playlist-item")
    with page.expect_response(lambda r: r.request.method == "PATCH") as moved:
        items.nth(2).drag_to(items.nth(0))
    assert moved.value.ok
    expect(page.locator(".playlist-item .title")).to_have_text(["Gamma", "Alpha", "Beta"])
    page.reload()
    expect(page.locator(".playlist-item .title")).to_have_text(["Gamma", "Alpha", "Beta"])
    # The keyboard way: a real button, which keeps the focus as the item moves.
    page.get_by_role("button", name="Move “Beta” up").focus()
    with page.expect_response(lambda r: r.request.method == "PATCH"):
        page.keyboard.press("Enter")
    expect(page.locator(".playlist-item .title")).to_have_text(["Gamma", "Beta", "Alpha"])
    expect(page.get_by_role("button", name="Move “Beta” up")).to_be_focused()
    with page.expect_response(lambda r: r.request.method == "PATCH") as moved:
        page.keyboard.press("Enter")
    assert moved.value.ok
    expect(page.locator(".playlist-item .title")).to_have_text(["Beta", "Gamma", "Alpha"])
    expect(page.get_by_role("button", name="Move “Beta” down")).to_be_focused()
    page.reload()
    expect(page.locator(".playlist-item .title")).to_have_text(["Beta", "Gamma", "Alpha"])


@pytest.mark.pipeline
def test_playlist_plays_the_next_video_by_itself(page, samples, pipeline_worker, fresh_cache):
    first = _titled(samples["tiny_360p_4s.mp4"], "First of two")
    second = _titled(samples["tiny_360p_4s.mp4"], "Second of two")
    owner = first.owner
    playlist = PlaylistFactory(owner=owner, title="Two clips", visibility="unlisted")
    for video in (first, second):
        services.playlist_add(playlist=playlist, video=video, by=owner)
    page.goto(f"/playlist/{playlist.id}/")
    page.get_by_role("link", name="Play all").click()
    expect(page.locator("[data-playlist-panel]")).to_contain_text("1 / 2")
    expect(page.locator("[data-up-next]")).to_have_text("Up next: Second of two")
    # The 4 s clip ends, and the second one opens and plays without a click.
    page.wait_for_url(f"**/watch/{second.id}/?list={playlist.id}&index=1", timeout=30_000)
    expect(page.locator("[data-playlist-panel]")).to_contain_text("2 / 2")
    page.wait_for_function(f"() => {PLAYER}.currentTime > 0.5", timeout=15_000)
    expect(page.locator("[data-up-next]")).to_have_text("End of the playlist.")
    # Loop, remembered for this tab: the last one now leads back to the first.
    page.get_by_role("button", name="Loop").click()
    expect(page.locator("[data-up-next]")).to_have_text("Up next: First of two")
    page.reload()
    expect(page.get_by_role("button", name="Loop")).to_have_attribute("aria-pressed", "true")
    # Shuffle: both were played in this tab; without loop that is the end, with loop a new
    # round picks among the others.
    page.get_by_role("button", name="Shuffle").click()
    expect(page.locator("[data-up-next]")).to_have_text("Up next: First of two")
    page.get_by_role("button", name="Loop").click()
    expect(page.locator("[data-up-next]")).to_have_text("End of the playlist.")


@pytest.mark.pipeline
def test_position_resumes_on_another_device_and_continue_watching(
    browser, live_site, samples, pipeline_worker, fresh_cache
):
    video = _titled(samples["chunky_60fps_14s.mp4"], "Long enough to resume")
    viewer = UserFactory()
    laptop = browser.new_context(base_url=live_site, viewport={"width": 1280, "height": 800})
    page = laptop.new_page()
    page.set_default_timeout(15_000)
    log_in(page, viewer)
    page.goto(f"/watch/{video.id}/")
    page.wait_for_function(f"() => {PLAYER}.currentTime > 0.2")
    page.evaluate(f"{PLAYER}.currentTime = 6")
    page.wait_for_function(f"() => {PLAYER}.currentTime >= 7")
    # Leaving the page: the last position goes up on pagehide, with a keepalive request.
    page.goto("/")
    entry = _wait(
        lambda: WatchEntry.objects.filter(user=viewer, video=video, position_s__gte=7).first(),
        what="the position saved on leaving",
    )
    assert entry.position_s < 9 and not entry.done
    laptop.close()

    cache.clear()
    cms.section_save(section=HomeSection(kind=SectionKind.CONTINUE, title="Continue watching"))
    phone = browser.new_context(base_url=live_site, viewport={"width": 400, "height": 800})
    other = phone.new_page()
    other.set_default_timeout(15_000)
    log_in(other, viewer)  # a new browser: nothing in its localStorage
    other.goto("/")
    row = other.locator('[data-section-kind="continue"]')
    expect(row).to_contain_text("Long enough to resume")
    row.get_by_role("link", name="Long enough to resume").click()
    other.wait_for_function(f"() => {PLAYER}.currentTime >= {entry.position_s - 0.5}")
    expect(other.locator("[data-resume-text]")).to_contain_text("Resumed at 0:0")
    phone.close()
