"""A view is counted by the player when playback starts, not by loading the page."""

from __future__ import annotations

import pytest

from apps.videos.models import Video
from tests.browser.test_watch_browser import _make_video

pytestmark = [pytest.mark.browser, pytest.mark.pipeline]


def _views(video: Video) -> int:
    return Video.objects.values_list("views", flat=True).get(pk=video.pk)


def _is_beacon(response) -> bool:
    return response.url.endswith("/views/") and response.request.method == "POST"


def test_playback_counts_one_view_and_the_page_load_none(
    page, samples, pipeline_worker, fresh_cache
):
    video = _make_video(samples["tiny_360p_4s.mp4"])
    assert page.request.get(f"/watch/{video.id}/").ok
    assert _views(video) == 0
    # The page autoplays (the test browser allows it): playback starting sends the beacon.
    with page.expect_response(_is_beacon) as first:
        page.goto(f"/watch/{video.id}/")
    assert first.value.json() == {"counted": True}
    assert _views(video) == 1
    with page.expect_response(_is_beacon) as again:
        page.reload()
    assert again.value.json() == {"counted": False}
    assert _views(video) == 1
