"""Storage unreachable for a while (moto's S3 server stopped): jobs wait and retry well past
their retry budget for real errors, nothing is marked failed, /readyz says storage is down;
once storage is back the video completes by itself."""

from __future__ import annotations

import time

import dramatiq
import pytest
from django.core.files import File

from apps.videos import services
from apps.videos.models import Video
from apps.videos.pipeline import actors
from streamsite.broker import outstanding_messages, stop_worker
from tests.factories import CreatorFactory
from tests.fixtures.pipeline import wait_for_video

pytestmark = [pytest.mark.pipeline, pytest.mark.slow]
PIPELINE_ACTORS = ("process_video", "encode_chunk", "encode_audio", "package_rung", "make_poster")


def _most_retries() -> int:
    return max((m.options.get("retries", 0) for m in outstanding_messages() or []), default=0)


def test_a_storage_outage_is_waited_out_and_fails_nothing(
    s3, moto_server, no_workers, samples, monkeypatch, client
):
    from moto.server import ThreadedMotoServer

    for name in PIPELINE_ACTORS:
        # The real backoff, shortened so the outage outlasts the retry budget in seconds.
        options = getattr(actors, name).options
        monkeypatch.setitem(options, "min_backoff", 50)
        monkeypatch.setitem(options, "max_backoff", 200)
    with open(samples["mkv_h264_3s.mkv"], "rb") as fh:
        video = services.video_create(
            owner=CreatorFactory(), title="Outage", upload=File(fh), filename="a.mkv"
        )
    host, port = moto_server.get_host_and_port()
    moto_server.stop()
    worker = dramatiq.Worker(dramatiq.get_broker(), worker_threads=2, worker_timeout=50)
    worker.start()
    restarted = None
    try:
        deadline = time.monotonic() + 60
        while _most_retries() <= actors.STEP["max_retries"] + 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _most_retries() > actors.STEP["max_retries"] + 2
        video.refresh_from_db()
        assert video.status != "failed" and not video.error
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["failed"] == ["storage"]

        restarted = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
        restarted.start()
        video = wait_for_video(video.id, timeout=120)
        assert video.status == "ready" and video.progress == 100, video.error
        assert not video.tasks.exclude(failed_at=None).exists()
        assert client.get("/readyz").status_code == 200
    finally:
        stop_worker(worker)
        dramatiq.get_broker().flush_all()
        if restarted is not None:
            restarted.stop()
    assert Video.objects.get(pk=video.id).error in (None, "")
