"""Workers share the queues over Redis or RabbitMQ (BROKER_URL=amqp://…): a video imported by
one process is transcoded by `manage.py worker` processes, and a worker stopped with SIGTERM
mid-transcode hands its job back, so another worker completes the video correctly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import dramatiq
import pytest
from django.conf import settings

from apps.videos.models import PipelineTask, Video
from streamsite.broker import import_actor_modules
from tests.conftest import require
from tests.factories import CreatorFactory
from tests.fixtures.pipeline import wait_for_video
from tests.fixtures.processes import ROOT, process_env, runs_ffmpeg, start_worker, stop

pytestmark = [pytest.mark.pipeline, pytest.mark.slow]
AMQP_URL = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")


def _rabbitmq_url() -> str:
    import pika

    try:
        pika.BlockingConnection(pika.URLParameters(AMQP_URL)).close()
    except pika.exceptions.AMQPError:
        require(False, f"RabbitMQ ({AMQP_URL})")
    return AMQP_URL


def _empty_queues(url: str) -> None:
    """Start and end with no message left by an earlier run on the broker."""
    import_actor_modules()
    queues = dramatiq.get_broker().get_declared_queues()
    if url.startswith("amqp"):
        import pika

        connection = pika.BlockingConnection(pika.URLParameters(url))
        channel = connection.channel()
        for name in queues:
            for queue in (name, f"{name}.DQ", f"{name}.XQ"):
                channel.queue_delete(queue)
        connection.close()
    else:
        dramatiq.get_broker().flush_all()


def _chunks(video_id: str, done: bool) -> int:
    tasks = PipelineTask.objects.filter(video_id=video_id, kind="chunk")
    return tasks.exclude(done_at=None).count() if done else tasks.count()


@pytest.mark.parametrize("kind", ["redis", "rabbitmq"])
def test_sigterm_hands_the_job_back_and_another_worker_completes_the_video(
    kind, samples, transactional_db, tmp_path
):
    url = _rabbitmq_url() if kind == "rabbitmq" else settings.REDIS_URL
    env = process_env(
        BROKER_URL=url,
        PIPELINE_WORK_DIR=str(tmp_path / "work"),
        PIPELINE_SEGMENTS_PER_CHUNK="1",
        PIPELINE_FIRST_GROUP_SEGMENTS_PER_CHUNK="1",
        PIPELINE_FFMPEG_THREADS="1",
        # Chunks slow enough that the signal lands while one runs, even on a busy machine.
        PIPELINE_PRESET="slow",
        # The first worker hands its running chunk back at once instead of finishing it.
        WORKER_SHUTDOWN_TIMEOUT_S="0.2",
        DRAMATIQ_HEARTBEAT_TIMEOUT_MS="2000",
        DRAMATIQ_MAINTENANCE_CHANCE="200000",
    )
    _empty_queues(url)
    owner = CreatorFactory()
    first = start_worker(env, tmp_path / "first.log", "--processes", "1")
    second = None
    try:
        # Imported by another process, which only puts the job on the broker.
        imported = subprocess.run(
            [sys.executable, "manage.py", "import_video", str(samples["chunky_60fps_14s.mp4"])]
            + ["--owner", owner.username, "--title", f"Over {kind}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert imported.returncode == 0, imported.stderr
        video_id = imported.stdout.strip()
        # SIGTERM while a job runs: its ffmpeg is at work, after the first chunk is done and
        # with most of the work still to come (the last chunks' would finish the video first).
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (
            _chunks(video_id, done=True)
            and runs_ffmpeg(first.pid)
            and Video.objects.get(pk=video_id).progress <= 50
        ):
            time.sleep(0.01)
        assert runs_ffmpeg(first.pid), (tmp_path / "first.log").read_text()[-3000:]

        assert stop(first, signal.SIGTERM, timeout=30) == 0, (tmp_path / "first.log").read_text()[
            -4000:
        ]
        assert Video.objects.get(pk=video_id).progress < 100

        second = start_worker(env, tmp_path / "second.log", "--processes", "1")
        video = wait_for_video(video_id, timeout=180)
        assert video.status == "ready" and video.progress == 100, video.error
        # Every rung covers the whole clip once: no segment missing, none twice.
        expected = round(video.duration * 60)
        for rendition in video.renditions.all():
            names = [name for name, _, _ in rendition.segments]
            assert len(names) == len(set(names))
            assert sum(round(d * 60) for _, d, _ in rendition.segments) == expected
    finally:
        for proc in (first, second):
            if proc is not None:
                stop(proc, signal.SIGKILL)
        _empty_queues(url)


def test_readyz_checks_the_broker_in_use(transactional_db, tmp_path):
    """A web node on RabbitMQ reports the broker ready, and not ready once it is unreachable."""
    from tests.fixtures.processes import start_daphne

    url = _rabbitmq_url()
    node, base = start_daphne(process_env(BROKER_URL=url), tmp_path / "ok.log")
    dead, dead_base = start_daphne(
        process_env(BROKER_URL="amqp://guest:guest@127.0.0.1:1/%2F"), tmp_path / "dead.log"
    )
    try:
        import requests

        ok = requests.get(f"{base}/readyz", timeout=30)
        assert ok.status_code == 200 and ok.json()["checks"]["broker"] == "ok", ok.text
        down = requests.get(f"{dead_base}/readyz", timeout=30)
        assert down.status_code == 503 and down.json()["failed"] == ["broker"], down.text
    finally:
        stop(node)
        stop(dead)
