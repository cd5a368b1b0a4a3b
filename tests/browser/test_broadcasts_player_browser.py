"""Broadcasts and content warnings on a real, playing video (made by the real pipeline)."""

from __future__ import annotations

import pytest
from django.core.files import File
from playwright.sync_api import Page, expect

from apps.broadcasts import services
from apps.videos import services as video_services
from tests.browser.test_broadcasts_browser import _api
from tests.factories import CreatorFactory, ModeratorFactory
from tests.fixtures.pipeline import wait_for_video

pytestmark = [pytest.mark.browser, pytest.mark.pipeline]


@pytest.fixture
def playable(samples, pipeline_worker):
    path = samples["tiny_360p_4s.mp4"]
    with open(path, "rb") as fh:
        video = video_services.video_create(
            owner=CreatorFactory(), title="Broadcast test clip", upload=File(fh, name=path.name),
            filename=path.name,
        )  # fmt: skip
    video = wait_for_video(video.id, timeout=120)
    assert video.status == "ready", video.error
    return video


def _playing(page: Page) -> None:
    page.wait_for_function(
        "() => { const v = document.getElementById('player'); "
        "return v && !v.paused && v.currentTime > 0.3; }"
    )


def test_critical_broadcast_shows_over_a_playing_video_and_in_full_screen(
    page, live_site, playable
):
    page.goto(f"/watch/{playable.id}/")
    page.evaluate("() => { document.getElementById('player').loop = true; }")
    _playing(page)
    page.wait_for_function("() => document.getElementById('banners').dataset.socket === 'open'")
    # Through the API: Playwright's event loop on this thread rules out pushing from here.
    status, _ = _api(
        live_site, "POST", "/api/v1/broadcasts/", ModeratorFactory(),
        {"message": "Tornado warning: take shelter", "severity": "critical"},
    )  # fmt: skip
    assert status == 201
    overlay = page.locator("#player-shell [data-player-broadcasts]")
    expect(overlay).to_contain_text("Tornado warning: take shelter")
    # Drawn on top of the picture, while it keeps playing.
    on_top = page.evaluate(
        """() => {
          const box = document.querySelector('[data-player-broadcasts]');
          box.style.pointerEvents = 'auto';  // hit-testable, for this check only
          const o = box.getBoundingClientRect();
          const v = document.getElementById('player').getBoundingClientRect();
          const hit = document.elementFromPoint(o.left + o.width / 2, o.top + o.height / 2);
          box.style.pointerEvents = '';
          const inside = o.top >= v.top && o.bottom <= v.bottom;
          return inside && !!hit.closest('[data-player-broadcasts]');
        }"""
    )
    assert on_top
    _playing(page)
    page.get_by_role("button", name="Full screen").click()
    page.wait_for_function("() => !!document.fullscreenElement")
    assert page.evaluate(
        "() => document.fullscreenElement"
        ".contains(document.querySelector('[data-player-broadcasts]'))"
    )
    expect(overlay).to_be_visible()


def test_content_warning_gates_the_stream_and_is_remembered_for_the_session(page, playable):
    services.content_warning_set(video=playable, reason="Flashing lights", by=playable.owner)
    media: list[str] = []
    page.on("request", lambda r: media.append(r.url) if "/media/" in r.url else None)
    page.goto(f"/watch/{playable.id}/")
    gate = page.locator("#content-warning")
    expect(gate).to_contain_text("Flashing lights")
    page.wait_for_timeout(1000)  # give a wrongly eager player time to fetch something
    assert not [u for u in media if ".m3u8" in u or ".m4s" in u or ".mp4" in u], media
    assert page.locator("#player").get_attribute("poster") is None
    page.get_by_role("button", name="Watch anyway").click()
    _playing(page)
    page.reload()
    expect(gate).to_be_hidden()
    _playing(page)
    # Another browser session asks again.
    other = page.context.browser.new_context(base_url=page.url.split("/watch/")[0])
    try:
        fresh = other.new_page()
        fresh.goto(f"/watch/{playable.id}/")
        expect(fresh.locator("#content-warning")).to_be_visible()
    finally:
        other.close()
