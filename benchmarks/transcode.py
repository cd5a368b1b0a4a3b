"""Pipeline wall time against one single-decode ffmpeg ladder, measured in the same run.

    .venv/bin/python benchmarks/transcode.py [--seconds 60] [--workers 1 2] [--redis]

Makes `bench_1080p_60s.mp4` (lavfi, like ../shared/media/make_samples.py --set bench), then:
  baseline  one ffmpeg command: one decode, split into every rung, same x264 settings, + audio
  pipeline  the real pipeline (chunks on Dramatiq workers in this process, packaging, posters)
Prints wall times, the ratio pipeline/baseline, and time-to-playable (status `ready`) as a share
of the full time. `--scaling` compares 1 and 2 workers with one ffmpeg thread per job, which is
what adding a worker machine looks like from the point of view of one job.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clips import lavfi_clip  # noqa: E402


def make_source(seconds: int) -> Path:
    # As ../shared/media/make_samples.py --set bench: x264's default GOP, 6 Mb/s.
    return lavfi_clip(
        f"bench_1080p_{seconds}s.mp4",
        width=1920, height=1080, seconds=seconds, video_bitrate="6M", extra=[],
    )  # fmt: skip


def _bench_database() -> str:
    """Worker processes share the database: PostgreSQL (a database of its own) under --redis."""
    url = "postgres://postgres@127.0.0.1:5432/streamsite_bench"
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc",
         "SELECT 1 FROM pg_database WHERE datname='streamsite_bench'"],
        capture_output=True, text=True,
    )  # fmt: skip
    if exists.stdout.strip() != "1":
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", "CREATE DATABASE streamsite_bench"],
            check=True,
        )
    return url


def setup_django(redis: bool, workdir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "streamsite.settings")
    os.environ["STREAMSITE_NO_EMBEDDED_WORKER"] = "1"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["STORAGE_URL"] = f"file://{workdir}/media"
    os.environ["PIPELINE_WORK_DIR"] = str(workdir / "work")
    os.environ["DRAMATIQ_NAMESPACE"] = "streamsite-bench"
    if redis:
        os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
        os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or _bench_database()
    else:
        os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def baseline(source: Path, threads: int) -> float:
    """The same ladder from one decode of the whole title, then the audio, as one would by hand."""
    from apps.videos import encoding
    from apps.videos import plan as planning
    from media_pipeline import commands
    from media_pipeline.ladder import Chunk, Rung

    info = encoding.probe_source(source)
    plan = planning.make_plan(info)
    fps = Fraction(plan["fps"])
    total = sum(c["frames"] for c in plan["chunks"])
    rungs = [Rung(**{k: r[k] for k in Rung.__dataclass_fields__}) for r in plan["rungs"]]
    with tempfile.TemporaryDirectory() as tmp:
        outputs = {r.name: f"{tmp}/{r.name}.mp4" for r in rungs}
        args = commands.chunk_encode_args(
            ffmpeg=encoding.ffmpeg(), source=str(source), demuxer=info.demuxer,
            chunk=Chunk(index=0, start_frame=0, frames=total, fps=fps),
            seg=planning.segmenting(plan), rungs=rungs, outputs=outputs,
            preset="veryfast", threads=threads,
        )  # fmt: skip
        audio = commands.audio_encode_args(
            ffmpeg=encoding.ffmpeg(), source=str(source), demuxer=info.demuxer,
            out_path=f"{tmp}/audio.mp4", duration_s=info.duration,
        )  # fmt: skip
        start = time.perf_counter()
        subprocess.run(args, check=True)
        subprocess.run(audio, check=True)
        return time.perf_counter() - start


def _worker_processes(processes: int, threads: int):
    """`manage.py worker` processes on the Redis broker, as on separate machines."""
    env = {**os.environ, "PIPELINE_FFMPEG_THREADS": str(threads)}
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--processes", str(processes), "--threads", "1"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(3)  # let them boot before the clock starts

    def stop() -> None:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)

    return stop


def _worker_threads(workers: int, threads: int):
    import dramatiq
    from django.conf import settings

    settings.PIPELINE_FFMPEG_THREADS = threads
    worker = dramatiq.Worker(dramatiq.get_broker(), worker_threads=workers, worker_timeout=100)
    worker.start()
    return worker.stop


def run_pipeline(
    source: Path, workers: int, threads: int, processes: bool = False
) -> tuple[float, float]:
    import dramatiq
    from django.core.files import File

    from apps.users.models import User
    from apps.videos import services
    from apps.videos.models import Video
    from streamsite.broker import import_actor_modules

    import_actor_modules()
    broker = dramatiq.get_broker()
    broker.flush_all()
    owner, _ = User.objects.get_or_create(username="bench", defaults={"is_superuser": True})
    stop = (_worker_processes if processes else _worker_threads)(workers, threads)
    try:
        start = time.perf_counter()
        with open(source, "rb") as fh:
            video = services.video_create(
                owner=owner, title="bench", upload=File(fh, name=source.name),
                filename=source.name, enforce_role=False,
            )  # fmt: skip
        ready_at = None
        while True:
            v = Video.objects.get(pk=video.pk)
            if v.status == "failed":
                raise SystemExit(f"pipeline failed: {v.error}")
            if v.status == "ready" and ready_at is None:
                ready_at = time.perf_counter() - start
            if v.status == "ready" and v.progress == 100:
                return time.perf_counter() - start, ready_at
            time.sleep(0.05)
    finally:
        stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--redis", action="store_true", help="use the Redis broker")
    parser.add_argument("--workers", type=int, default=2, help="worker threads for the ratio")
    parser.add_argument("--scaling", action="store_true", help="also 1 vs 2 workers, 1 thread")
    args = parser.parse_args()
    source = make_source(args.seconds)
    with tempfile.TemporaryDirectory(prefix="streamsite-bench-") as tmp:
        setup_django(args.redis, Path(tmp))
        base = baseline(source, threads=0)
        full, ready = run_pipeline(source, workers=args.workers, threads=0)
        print(f"source            {source.name}")
        print(f"baseline          {base:7.1f} s  (one ffmpeg, single decode, all rungs + audio)")
        print(f"pipeline          {full:7.1f} s  ({args.workers} workers, chunks + packaging)")
        print(f"ratio             {full / base:7.2f}   (target <= 1.15)")
        print(f"time-to-playable  {ready:7.1f} s  = {ready / full:.0%} of the full time")
        if args.scaling:
            kind = "processes" if args.redis else "threads"
            one, _ = run_pipeline(source, workers=1, threads=1, processes=args.redis)
            two, _ = run_pipeline(source, workers=2, threads=1, processes=args.redis)
            print(f"1 worker {kind[:-2]}, 1 ffmpeg thread each  {one:7.1f} s")
            print(f"2 worker {kind}, 1 ffmpeg thread each {two:7.1f} s  speed-up {one / two:.2f}x")


if __name__ == "__main__":
    main()
