"""kill -9 a worker at random points of a video's processing, again and again: the other worker
(and the killed one, restarted) complete every video, with every segment exactly once and a
progress figure that never goes back and only says 100 when every rung is there."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import dramatiq
import pytest
from django.core.files import File
from django.core.files.storage import default_storage

from apps.videos import services
from apps.videos.models import Video
from tests.factories import CreatorFactory
from tests.fixtures.processes import process_env, start_worker, stop

pytestmark = pytest.mark.pipeline
ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("FAULT_RUNS", "10"))


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    return start_worker(env, log, "--processes", "1", "--threads", "1")


def _kill(proc: subprocess.Popen) -> None:
    stop(proc, signal.SIGKILL)


def _wait_truthfully(video_id: str, timeout: float) -> Video:
    """Poll the video to the end; its progress must never go back, and must not say 100 before
    every rung is stored."""
    seen = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        video = Video.objects.get(pk=video_id)
        assert video.progress >= seen, f"progress went back from {seen} to {video.progress}"
        seen = video.progress
        assert video.status != "failed", video.error
        if video.progress == 100:
            assert video.status == "ready"
            return video
        time.sleep(0.05)
    raise AssertionError(f"{video_id} not done after {timeout} s (progress {seen})")


def _assert_every_segment_once(video: Video) -> None:
    renditions = list(video.renditions.filter(generation=video.generation))
    assert {r.height for r in renditions} >= {144, 240}
    expected = round(video.duration * 60)
    for rendition in renditions:
        names = [name for name, _, _ in rendition.segments]
        assert len(names) == len(set(names)), f"{rendition.name}: a segment listed twice"
        assert sum(round(d * 60) for _, d, _ in rendition.segments) == expected, rendition.name
        for name, _duration, size in rendition.segments:
            assert default_storage.size(name) == int(size) > 0, name
        playlist = default_storage.open(rendition.playlist).read().decode()
        assert playlist.count("#EXTINF") == len(names), rendition.name


def test_workers_killed_at_random_points_lose_nothing(samples, transactional_db, tmp_path):
    # A dead worker's messages come back after 2 s instead of a minute.
    env = process_env(
        PIPELINE_WORK_DIR=str(tmp_path / "work"),
        PIPELINE_SEGMENTS_PER_CHUNK="1",
        PIPELINE_FFMPEG_THREADS="1",
        DRAMATIQ_HEARTBEAT_TIMEOUT_MS="2000",
        DRAMATIQ_MAINTENANCE_CHANCE="200000",
    )
    dramatiq.get_broker().flush_all()
    rng = random.Random(int(os.environ.get("FAULT_SEED", "0")) or None)
    log = tmp_path / "workers.log"
    workers = [_worker(env, log), _worker(env, log)]
    owner = CreatorFactory()
    kills = []
    try:
        for run in range(RUNS):
            with open(samples["tiny_360p_4s.mp4"], "rb") as fh:
                video = services.video_create(
                    owner=owner, title=f"Run {run}", upload=File(fh), filename="clip.mp4"
                )
            # Anywhere from the probe to the last rung: a few seconds on this clip.
            delay = rng.uniform(0, 4)
            time.sleep(delay)
            victim = rng.randrange(2)
            kills.append((run, round(delay, 2), Video.objects.get(pk=video.id).progress))
            _kill(workers[victim])
            workers[victim] = _worker(env, log)
            done = _wait_truthfully(video.id, timeout=120)
            _assert_every_segment_once(done)
    finally:
        for proc in workers:
            _kill(proc)
        dramatiq.get_broker().flush_all()
    # The kills landed at different stages, not all before the work started.
    assert len({progress for _, _, progress in kills}) > 1, kills
