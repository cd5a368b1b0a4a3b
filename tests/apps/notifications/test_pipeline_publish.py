"""End to end through the real pipeline: an upload to a followed channel becomes ready, and its
subscribers are told once by the worker; reprocessing it tells nobody again."""

from __future__ import annotations

import subprocess
import time

import dramatiq
import pytest
from django.core.files import File

from apps.notifications import actors
from apps.notifications.models import Notification
from apps.subscriptions.models import Subscription
from apps.videos import services as video_services
from tests.factories import CreatorFactory, UserFactory
from tests.fixtures.pipeline import wait_for_video
from tests.media_samples import _default_ffmpeg

pytestmark = pytest.mark.pipeline


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    path = tmp_path_factory.mktemp("clip") / "one_second.mp4"
    subprocess.run(
        [_default_ffmpeg(), "-hide_banner", "-nostdin", "-v", "error", "-y",
         "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=1",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return path


def _rows_for(video_id: str, expected: int, timeout: float = 10) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        count = Notification.objects.filter(video_id=video_id).count()
        if count >= expected:
            return count
        time.sleep(0.1)
    return Notification.objects.filter(video_id=video_id).count()


def test_an_upload_to_a_followed_channel_notifies_once_even_when_reprocessed(clip, pipeline_worker):
    channel, fan, quiet = CreatorFactory(), UserFactory(), UserFactory()
    Subscription.objects.create(user=fan, channel=channel)
    Subscription.objects.create(user=quiet, channel=channel, notify="none")
    with open(clip, "rb") as fh:
        video = video_services.video_create(
            owner=channel, title="Fresh", upload=File(fh), filename="x.mp4"
        )
    video = wait_for_video(video.id, timeout=120)
    assert video.status == "ready", video.error
    assert _rows_for(video.id, 1) == 1
    assert Notification.objects.get(video=video).user_id == fan.pk

    video_services.video_reprocess(video=video, by=channel)
    video = wait_for_video(video.id, timeout=120)
    assert video.status == "ready" and video.generation == 2
    # The second ready's job has run (queue empty, worker idle), and added nothing.
    dramatiq.get_broker().join(actors.QUEUE, timeout=10_000)
    pipeline_worker.join()
    assert Notification.objects.filter(video=video).count() == 1
