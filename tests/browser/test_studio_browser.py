"""The studio shows processing progress live, pushed over the websocket."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.videos.pipeline.actors import process_video
from tests.browser.accounts import log_in
from tests.factories import CreatorFactory, stored_upload

pytestmark = [pytest.mark.browser, pytest.mark.pipeline]


def test_studio_follows_processing_live(page, pipeline_worker, samples):
    creator = CreatorFactory()
    video = stored_upload(samples["tiny_360p_4s.mp4"], owner=creator, title="Fresh upload")

    log_in(page, creator)
    page.goto("/studio/")
    row = page.locator(f"#video-{video.id}")
    expect(row.locator("[data-status]")).to_have_text("Uploaded")
    # Let the page's socket connect before the work starts: events are not replayed.
    page.wait_for_function("() => window.streamsiteStudioSocketOpen === true", timeout=10_000)

    process_video.send(video.id, video.generation)
    expect(row.locator("[data-status]")).to_have_text("Ready", timeout=60_000)
    expect(row.locator("[data-progress-text]")).to_have_text("100%", timeout=60_000)
    assert page.url.endswith("/studio/")  # no reload: it all came over the socket


def test_studio_shows_a_failure_reason_live(page, pipeline_worker, samples):
    creator = CreatorFactory()
    video = stored_upload(samples["audio_only.mp4"], owner=creator)
    log_in(page, creator)
    page.goto("/studio/")
    page.wait_for_function("() => window.streamsiteStudioSocketOpen === true", timeout=10_000)
    process_video.send(video.id, video.generation)
    row = page.locator(f"#video-{video.id}")
    expect(row.locator("[data-status]")).to_have_text("Failed", timeout=60_000)
    expect(row.locator("[data-error]")).to_contain_text("audio")


def test_watch_page_starts_the_video_once_it_is_ready(page, pipeline_worker, samples):
    creator = CreatorFactory()
    video = stored_upload(samples["tiny_360p_4s.mp4"], owner=creator)
    page.goto(f"/watch/{video.id}/")
    expect(page.get_by_role("status").filter(has_text="still processing")).to_be_visible()
    process_video.send(video.id, video.generation)
    expect(page.locator("#player")).to_be_visible(timeout=60_000)
