"""kill -9 a worker mid-transcode, again and again at random points (at least 10 kills, each
while its ffmpeg runs): other workers complete every video correctly, with no segment missing
or doubled, and the progress shown never goes back and reaches 100 only when all is done."""

from __future__ import annotations

import os
import random
import signal
import sys
import threading
import time
from pathlib import Path

import dramatiq
import pytest
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import close_old_connections

from apps.videos import services
from apps.videos.models import PipelineTask, Video
from apps.videos.pipeline import layout
from tests.factories import CreatorFactory
from tests.fixtures.pipeline import wait_for_video
from tests.fixtures.processes import process_env, spawn, stop

pytestmark = [pytest.mark.pipeline, pytest.mark.slow]
KILLS = 10


def _tree(root: int) -> dict[int, bytes]:
    """Every descendant of `root` (ffmpeg runs in a session of its own) with its cmdline."""
    parents: dict[int, int] = {}
    cmdlines: dict[int, bytes] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdlines[int(entry.name)] = (entry / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        # The parent pid is the 2nd field, counted after the parenthesised command name.
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[-1].split()[1])
    found: dict[int, bytes] = {}
    frontier = [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in found:
                found[child] = cmdlines.get(child, b"")
                frontier.append(child)
    return found


def _runs_ffmpeg(root: int) -> bool:
    return any(b"ffmpeg" in cmdline for cmdline in _tree(root).values())


def _kill_tree(proc) -> None:
    """A lost machine: the worker and everything it started die at once."""
    for pid in [*_tree(proc.pid), proc.pid]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(timeout=30)


def _worker(env: dict, log: Path):
    argv = [sys.executable, "-m", "dramatiq", "streamsite.worker_app"]
    return spawn([*argv, "--processes", "1", "--threads", "2"], env, log)


class _ProgressWatch(threading.Thread):
    """Samples every video's progress; records any step backwards."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.seen: dict[str, int] = {}
        self.backwards: list[tuple[str, int, int]] = []

    def run(self) -> None:
        try:
            while not self.stop.wait(0.05):
                for video_id, progress in Video.objects.values_list("id", "progress"):
                    if progress < self.seen.get(video_id, 0):
                        self.backwards.append((video_id, self.seen[video_id], progress))
                    self.seen[video_id] = max(progress, self.seen.get(video_id, 0))
        finally:
            close_old_connections()


def _import(path: Path, title: str) -> str:
    with open(path, "rb") as fh:
        return services.video_create(
            owner=CreatorFactory(), title=title, upload=File(fh), filename=path.name
        ).id


def test_workers_killed_at_random_points_lose_and_double_nothing(
    samples, transactional_db, tmp_path
):
    env = process_env(
        PIPELINE_WORK_DIR=str(tmp_path / "work"),
        PIPELINE_SEGMENTS_PER_CHUNK="1",
        PIPELINE_FFMPEG_THREADS="1",
        DRAMATIQ_HEARTBEAT_TIMEOUT_MS="1500",
        DRAMATIQ_MAINTENANCE_CHANCE="200000",
        dramatiq_worker_timeout="100",
    )
    dramatiq.get_broker().flush_all()
    rng = random.Random()
    watch = _ProgressWatch()
    watch.start()
    videos: list[str] = []
    victim = finisher = None
    kills = 0
    try:
        for attempt in range(KILLS * 3):
            if kills == KILLS:
                break
            if all(Video.objects.get(pk=v).progress == 100 for v in videos):
                videos.append(_import(samples["mkv_h264_3s.mkv"], f"Kill {attempt}"))
            victim = _worker(env, tmp_path / f"victim-{attempt}.log")
            deadline = time.monotonic() + 60
            while not _runs_ffmpeg(victim.pid) and time.monotonic() < deadline:
                time.sleep(0.01)
            if _runs_ffmpeg(victim.pid):
                time.sleep(rng.uniform(0, 0.5))  # somewhere in the job, or just after it
                kills += 1
            _kill_tree(victim)
        assert kills == KILLS

        finisher = _worker(env, tmp_path / "finisher.log")
        for video_id in videos:
            video = wait_for_video(video_id, timeout=240)
            assert video.status == "ready" and video.progress == 100, video.error
            tasks = PipelineTask.objects.filter(video=video, generation=video.generation)
            assert not tasks.filter(done_at=None).exists()
            for rendition in video.renditions.all():
                names = [name for name, _, _ in rendition.segments]
                assert len(names) == len(set(names))
                # A segment missing or doubled would be off by a whole segment (1-2 s).
                total = sum(d for _, d, _ in rendition.segments)
                assert abs(total - video.duration) < 0.2, (rendition.name, total)
                folder = layout.rung_prefix(video.output_prefix, rendition.name).rstrip("/")
                stored = {f for f in default_storage.listdir(folder)[1] if f.endswith(".m4s")}
                assert stored == {name.rsplit("/", 1)[1] for name in names}
    finally:
        watch.stop.set()
        watch.join(timeout=5)
        for proc in (victim, finisher):
            if proc is not None:
                stop(proc, signal.SIGKILL)
        dramatiq.get_broker().flush_all()
    assert not watch.backwards, watch.backwards
    assert all(watch.seen[v] == 100 for v in videos)
