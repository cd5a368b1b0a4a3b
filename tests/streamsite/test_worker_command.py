"""`manage.py worker`: the pools it starts on Redis, and a clean stop on SIGTERM."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    return {**env, "DJANGO_SETTINGS_MODULE": "streamsite.test_settings", **extra}


def _child_environ(pid: int, marker: str) -> dict[str, str]:
    for entry in Path("/proc").iterdir():
        try:
            if marker in (entry / "cmdline").read_bytes().decode():
                raw = (entry / "environ").read_bytes().split(b"\0")
                return dict(item.decode().split("=", 1) for item in raw if b"=" in item)
        except (OSError, ValueError):
            continue
    return {}


def _children_cmdlines(pid: int) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue  # not a process, or it just ended
        # The parent pid is the 2nd field after the parenthesised command name.
        if stat.rsplit(")", 1)[-1].split()[1] == str(pid):
            found.append(cmdline.replace(b"\0", b" ").decode().strip())
    return found


def test_worker_refuses_to_start_without_redis():
    result = subprocess.run(
        [sys.executable, "manage.py", "worker"],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "REDIS_URL is not set" in result.stderr


def test_worker_runs_a_chunk_pool_and_a_fast_pool_and_stops_on_sigterm():
    require(bool(settings.REDIS_URL), "Redis (REDIS_URL)")
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--processes", "1"],
        cwd=ROOT,
        env=_env(REDIS_URL=settings.REDIS_URL),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        pools: list[str] = []
        while len(pools) < 2 and time.monotonic() < deadline:
            pools = [c for c in _children_cmdlines(proc.pid) if "dramatiq" in c]
            time.sleep(0.2)
        assert any(c.endswith("--queues pipeline") for c in pools), pools
        # Other apps' queues (broadcasts, …) share the fast pool, listed beside pipeline-fast.
        assert any("pipeline-fast" in c.split() for c in pools), pools
        # The chunk pool holds no extra chunk and tells each job its share of the cores.
        chunk_env = _child_environ(proc.pid, "--queues\0pipeline\0")
        assert chunk_env.get("dramatiq_queue_prefetch") == "1"
        assert chunk_env.get("STREAMSITE_CHUNK_JOBS") == "1"
        # …and that short jobs (packaging) have workers of their own to go to.
        assert chunk_env.get("STREAMSITE_SHORT_JOB_POOL") == "1"
        fast_env = _child_environ(proc.pid, "\0pipeline-fast")
        assert fast_env and "STREAMSITE_SHORT_JOB_POOL" not in fast_env
        time.sleep(2)  # let the pools finish booting, as a process manager would
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        assert not _children_cmdlines(proc.pid)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_each_chunk_job_gets_its_share_of_the_cores(settings, monkeypatch):
    from apps.videos.pipeline import encoding
    from apps.videos.pipeline.encoding import ffmpeg_threads

    monkeypatch.setattr(encoding, "usable_cores", lambda: 8)  # an 8-core CPU set
    settings.PIPELINE_FFMPEG_THREADS = 0
    settings.EMBEDDED_WORKER_THREADS = 2
    monkeypatch.delenv("STREAMSITE_CHUNK_JOBS", raising=False)
    assert ffmpeg_threads() == 4  # the embedded worker runs two chunks at once
    monkeypatch.setenv("STREAMSITE_CHUNK_JOBS", "8")
    assert ffmpeg_threads() == 1  # `manage.py worker` with a process per core
    monkeypatch.setenv("STREAMSITE_CHUNK_JOBS", "16")
    assert ffmpeg_threads() == 1
    settings.PIPELINE_FFMPEG_THREADS = 3
    assert ffmpeg_threads() == 3
