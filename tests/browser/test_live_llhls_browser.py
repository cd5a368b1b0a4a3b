"""LL-HLS in a real Chromium: with LIVE_LOW_LATENCY the live page's hls.js loads parts with
blocking reloads and holds the playlist's PART-HOLD-BACK behind the edge (about 1 s, instead
of two 1 s segments)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.live import services
from tests.factories import CreatorFactory
from tests.fixtures.live_ingest import publish

pytestmark = [pytest.mark.browser, pytest.mark.pipeline]

PLAYER = "document.getElementById('player')"
HLS = "window.streamsitePlayer"
DETAILS = f"{HLS}.levels[{HLS}.currentLevel].details"


def test_the_ll_hls_stream_plays_from_parts_close_to_the_edge(page, ingest, settings):
    settings.LIVE_LOW_LATENCY = True
    settings.LIVE_SEGMENT_S = 1.0
    stream = services.live_create(owner=CreatorFactory(), title="Low latency in Chromium")
    page.goto(f"/live/{stream.id}/")
    encoder = publish(f"{ingest.url}/{stream.stream_key}", seconds=25)
    try:
        expect(page.locator("[data-live-badge]")).to_be_visible(timeout=30_000)
        page.wait_for_function(
            f"() => {PLAYER}.currentTime > 1 && !{PLAYER}.paused", timeout=30_000
        )
        first = page.evaluate(f"() => {PLAYER}.currentTime")
        page.wait_for_function(f"() => {PLAYER}.currentTime > {first} + 3", timeout=20_000)
        # hls.js took the playlist as LL-HLS: parts, blocking reloads, the part hold-back.
        assert page.evaluate(f"() => {HLS}.config.lowLatencyMode") is True
        assert page.evaluate(f"() => {DETAILS}.canBlockReload") is True
        assert page.evaluate(f"() => ({DETAILS}.partList || []).length") >= 3
        assert page.evaluate(f"() => {HLS}.targetLatency") < 1.5
        # Closer to the edge than the two segments standard HLS keeps (hls.js `latency`).
        page.wait_for_function(f"() => {HLS}.latency > 0 && {HLS}.latency < 2", timeout=15_000)
    finally:
        encoder.kill()
        encoder.wait()
