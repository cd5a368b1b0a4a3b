"""The studio shows processing progress live, pushed over the websocket."""

from __future__ import annotations

import threading

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


def test_a_failed_part_shows_live_with_a_retry_that_makes_it(page, pipeline_worker, samples):
    """A ready video whose top rung failed for good: the owner sees which part and why, over
    the socket, and the retry button makes it."""
    from apps.videos import services
    from apps.videos.models import TaskKind, Video
    from apps.videos.pipeline import failures
    from tests.fixtures.pipeline import wait_for_video

    creator = CreatorFactory()
    video = stored_upload(samples["tiny_360p_4s.mp4"], owner=creator, title="Partly failed")
    process_video.send(video.id, video.generation)
    video = wait_for_video(video.id, timeout=120)
    assert video.status == "ready"
    # As if the 360p rung's packaging had failed for good before anything else happened.
    video.renditions.filter(name="360p").delete()
    video.tasks.filter(kind=TaskKind.PACKAGE, rung="360p").update(done_at=None)
    Video.objects.filter(pk=video.pk).update(progress=99, processing_finished_at=None)

    log_in(page, creator)
    page.goto("/studio/")
    page.wait_for_function("() => window.streamsiteStudioSocketOpen === true", timeout=10_000)
    row = page.locator(f"#video-{video.id}")
    retry = row.get_by_role("button", name="Retry")
    expect(retry).to_be_hidden()
    # From another thread, as a worker would: Playwright holds an event loop on this one,
    # where the websocket event could not be sent.
    failing = threading.Thread(
        target=services.video_fail,
        kwargs={
            "video_id": video.id,
            "generation": video.generation,
            "reason": "Failed after several attempts (OSError: disk full)",
            "part": failures.Part(TaskKind.PACKAGE, rung="360p"),
        },
    )
    failing.start()
    failing.join()
    expect(row.locator("[data-error]")).to_contain_text("Packaging the 360p rung: Failed")
    expect(row.locator("[data-status]")).to_have_text("Ready")
    expect(row.locator("[data-progress-text]")).to_have_text("100%")
    retry.click()
    expect(page.get_by_text("is being processed again")).to_be_visible()
    video = wait_for_video(video.id, timeout=120)
    assert video.error is None and video.progress == 100
    assert [r.name for r in video.renditions.order_by("height")] == ["144p", "240p", "360p"]
