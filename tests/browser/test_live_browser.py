"""A live stream in a real Chromium: the page waits, starts by itself when ffmpeg goes live,
plays in the watch page's player (live mode) close to the live edge, and in its embed too, offers
the Quality menu, counts viewers, takes comments and reactions on the stream's video, and points
to the end."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.live import services
from apps.live.models import LiveStream
from apps.reactions.models import Reaction
from tests.browser.accounts import log_in
from tests.factories import CreatorFactory, UserFactory
from tests.fixtures.live_ingest import publish

pytestmark = [pytest.mark.browser, pytest.mark.pipeline]

PLAYER = "document.getElementById('player')"


def test_live_page_starts_by_itself_and_plays_live(page, ingest, settings):
    settings.LIVE_DVR_WINDOW_S = 60  # a DVR window, so the viewer may seek back
    creator = CreatorFactory()
    stream = services.live_create(owner=creator, title="Browser live")
    log_in(page, UserFactory())
    page.goto(f"/live/{stream.id}/")
    expect(page.get_by_text("has not started yet")).to_be_visible()

    encoder = publish(f"{ingest.url}/{stream.stream_key}", seconds=50)
    try:
        badge = page.locator("[data-live-badge]")
        expect(badge).to_be_visible(timeout=30_000)
        expect(page.get_by_text("has not started yet")).to_be_hidden()
        # Playing, and moving: the playhead advances by itself, in the live window.
        page.wait_for_function(
            f"() => {PLAYER}.currentTime > 2 && !{PLAYER}.paused", timeout=30_000
        )
        first = page.evaluate(f"() => {PLAYER}.currentTime")
        page.wait_for_function(f"() => {PLAYER}.currentTime > {first} + 2", timeout=15_000)
        latency = page.evaluate("() => window.streamsitePlayer.latency")
        assert 0 < latency < 10
        # The stream's video embedded elsewhere plays the stream too, in the live player.
        embed = page.context.new_page()
        embed.goto(f"/embed/{stream.video_id}/")
        expect(embed.locator("[data-live-badge]")).to_be_visible(timeout=30_000)
        embed.wait_for_function(
            f"() => {PLAYER}.currentTime > 1 && !{PLAYER}.paused", timeout=30_000
        )
        expect(embed.get_by_text("still processing")).to_have_count(0)
        embed.close()
        playing_level = "window.streamsitePlayer.levels[window.streamsitePlayer.currentLevel]"
        assert page.evaluate(f"() => {playing_level}.details.live") is True
        # The viewer count, reactions and comments of the stream's video, as on the watch page.
        expect(page.locator("[data-viewer-count]")).to_have_text("1")
        page.get_by_role("button", name="React Fire").click()
        expect(page.locator('[data-reaction-count="🔥"]')).to_have_text("1")
        # Stored at its time in the recording to be (since the stream started), not at 0.
        page.wait_for_timeout(500)
        since_start = (timezone.now() - LiveStream.objects.get(pk=stream.pk).started_at).seconds
        reacted_at = Reaction.objects.get(video=stream.video).video_time
        assert 1 < reacted_at <= since_start + 1
        page.get_by_label("Add a comment").fill("Great stream!")
        page.get_by_role("button", name="Comment", exact=True).click()
        expect(page.locator("[data-comment-list]").get_by_text("Great stream!")).to_be_visible()
        # The kit's controls, not the browser's: its play button and the LIVE badge.
        assert page.evaluate(f"() => {PLAYER}.controls") is False
        expect(page.get_by_role("button", name="Pause")).to_be_visible()
        quality = page.get_by_label("Quality")
        expect(quality).to_be_visible()
        assert quality.locator("option").all_inner_texts() == ["Auto", "180p", "144p"]
        quality.select_option(label="144p")
        page.wait_for_function(f"() => {PLAYER}.videoHeight === 144", timeout=15_000)
        # Paused a while, the viewer is behind: "Go to live" appears and brings them back.
        page.evaluate(f"() => {PLAYER}.pause()")
        go_live = page.get_by_role("button", name="Go to live")
        expect(go_live).to_be_visible()
        page.wait_for_timeout(2500)
        go_live.click()
        page.wait_for_function(
            f"() => !{PLAYER}.paused && window.streamsitePlayer.latency < 5", timeout=15_000
        )
        # DVR: back to the start of the window with the slider, then live again.
        dvr = page.get_by_label("Seek in the live window")
        expect(dvr).to_be_visible(timeout=20_000)
        start = page.evaluate(f"() => {PLAYER}.seekable.start(0)")
        dvr.fill(str(start + 1))
        page.wait_for_function(f"() => {PLAYER}.currentTime < {start} + 4", timeout=10_000)
        page.wait_for_function("() => window.streamsitePlayer.latency > 8", timeout=10_000)
        go_live.click()
        page.wait_for_function(
            f"() => !{PLAYER}.paused && window.streamsitePlayer.latency < 5", timeout=15_000
        )
    finally:
        encoder.kill()
        encoder.wait()
    services.live_end(stream_id=stream.id, by=creator)
    expect(page.get_by_text("This live stream has ended.")).to_be_visible(timeout=15_000)
    # The comment stays with the stream's video, which the recording becomes.
    assert stream.video.comments.get().body == "Great stream!"


def test_studio_creates_a_stream_and_shows_state_health_and_preview(page, ingest):
    from apps.live.models import LiveStream
    from tests.browser.accounts import log_in

    creator = CreatorFactory()
    log_in(page, creator)
    page.goto("/studio/")
    page.get_by_role("link", name="Live streams").click()
    page.get_by_label("Title").fill("Studio show")
    page.get_by_role("button", name="Create live stream").click()
    stream = LiveStream.objects.get(owner=creator)
    key = page.locator("[data-stream-key]")
    expect(key).to_have_text(stream.stream_key)
    expect(page.locator("[data-live-status]")).to_have_text("Scheduled")
    page.get_by_role("button", name="Regenerate the key").click()
    stream.refresh_from_db()
    expect(key).to_have_text(stream.stream_key)

    encoder = publish(f"{ingest.url}/{stream.stream_key}", seconds=20)
    try:
        expect(page.locator("[data-live-status]")).to_have_text("Live", timeout=30_000)
        expect(page.locator('[data-health="bitrate_kbps"]')).to_contain_text("kb/s")
        expect(page.locator('[data-health="fps"]')).to_contain_text("fps")
        expect(page.locator('[data-health="resolution"]')).to_have_text("320×180")
        page.wait_for_function(
            "() => document.querySelector('[data-live-preview]').currentTime > 1", timeout=30_000
        )
        page.get_by_role("button", name="End the stream").click()
        expect(page.locator("[data-live-status]")).to_have_text("Ended", timeout=15_000)
        expect(page.locator("[data-live-reason]")).to_have_text("(Ended by the creator.)")
    finally:
        encoder.kill()
        encoder.wait()
