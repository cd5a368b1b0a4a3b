"""Pipeline wall time against one single-decode ffmpeg ladder, measured in the same run.

    .venv/bin/python benchmarks/transcode.py [--seconds 60] [--workers 2] [--redis]
        [--repeat N] [--ffmpeg-threads N] [--scaling] [--timeline]

Makes `bench_1080p_60s.mp4` (lavfi, like ../shared/media/make_samples.py --set bench), then:
  baseline  one ffmpeg command: one decode, split into every rung, same x264 settings, + audio
  pipeline  the real pipeline: embedded (SQLite, in-process worker threads) by default; with
            --redis, PostgreSQL and `manage.py worker --processes W`, as in production
Each repeat runs the baseline and then the pipeline; the ratio of each pair is printed, then
the median. Time-to-playable is when the video turned `ready`, as a share of the full time.
`--scaling` compares 1 and 2 worker processes (Redis) or threads with one ffmpeg thread per
job, which is what adding a worker machine looks like from the point of view of one job; on
Redis it then compares 1 and 2 one-core "machines": `manage.py worker --processes 1`, each
pinned to a core of its own, so the one-machine run cannot borrow the other core for its
short jobs.
`--timeline` prints every ffmpeg run of the last pipeline (from the workers' logs), and of the
two-machine run with `--scaling`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clips import lavfi_clip  # noqa: E402
from uploads import upload_and_wait  # noqa: E402


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
    os.environ.setdefault("DEBUG", "1")  # the development configuration, as `make run`
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
    from apps.videos.pipeline import encoding
    from apps.videos.pipeline import plan as planning
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


class _Runs(logging.Handler):
    """Collects the pipeline's "ffmpeg run" log records (in-process workers)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.runs: list[tuple[float, float, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "ffmpeg run":
            self.runs.append((record.started, record.seconds, f"{record.threadName} {record.step}"))


def _worker_processes(processes: int, threads: int | None, log_path: Path, machines: bool = False):
    """`manage.py worker` on the Redis broker, as on a worker machine; logs go to a file.

    With `machines`, each process is a `manage.py worker --processes 1` of its own, pinned to
    a core of its own: what adding one-core worker machines looks like, each with its own
    short-job process, sized by its CPU set."""
    env = {**os.environ, "LOG_LEVEL": "INFO"}
    if threads is not None:
        env["PIPELINE_FFMPEG_THREADS"] = str(threads)
    log = open(log_path, "w")  # closed by stop()
    if machines:
        cores = sorted(os.sched_getaffinity(0))
        pools = [(1, {cores[i % len(cores)]}) for i in range(processes)]
    else:
        pools = [(processes, None)]
    procs = []
    for count, cpus in pools:
        argv = [sys.executable, "manage.py", "worker", "--processes", str(count), "--threads", "1"]
        procs.append(
            subprocess.Popen(
                argv,
                cwd=ROOT,
                env=env,
                start_new_session=True,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=(lambda cpus=cpus: os.sched_setaffinity(0, cpus)) if cpus else None,
            )
        )
    time.sleep(4)  # let them boot before the clock starts

    def stop() -> list[tuple[float, float, str]]:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=60)
        log.close()
        runs = []
        for line in log_path.read_text().splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("msg") == "ffmpeg run":
                runs.append((entry["started"], entry["seconds"], f"{entry['pid']} {entry['step']}"))
        return runs

    return stop


def _worker_threads(workers: int, threads: int | None, _log_path: Path, _machines: bool = False):
    import dramatiq
    from django.conf import settings

    from streamsite.broker import stop_worker

    if threads is not None:
        settings.PIPELINE_FFMPEG_THREADS = threads
    handler = _Runs()
    log = logging.getLogger("apps.videos.pipeline.encoding")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False  # collected, not printed
    worker = dramatiq.Worker(dramatiq.get_broker(), worker_threads=workers, worker_timeout=100)
    worker.start()

    def stop() -> list[tuple[float, float, str]]:
        stop_worker(worker)
        log.removeHandler(handler)
        log.propagate = True
        return handler.runs

    return stop


@dataclass
class Run:
    full: float
    ready: float
    started: float  # time.time() at the start, to place the ffmpeg runs
    runs: list[tuple[float, float, str]]


def run_pipeline(
    source: Path,
    workers: int,
    threads: int | None,
    workdir: Path,
    processes: bool = False,
    machines: bool = False,
) -> Run:
    import dramatiq

    from apps.users.models import User
    from streamsite.broker import import_actor_modules

    import_actor_modules()
    broker = dramatiq.get_broker()
    broker.flush_all()
    owner, _ = User.objects.get_or_create(username="bench", defaults={"is_superuser": True})
    start_workers = _worker_processes if processes else _worker_threads
    stop = start_workers(workers, threads, workdir / "workers.log", machines)
    try:
        started = time.time()
        done = upload_and_wait(source, owner=owner, title="bench")
    finally:
        runs = stop()
    return Run(full=done.full_s, ready=done.ready_s, started=started, runs=runs)


def print_timeline(run: Run) -> None:
    print("  start   end  secs  worker / step")
    for started, seconds, what in sorted(run.runs):
        at = started - run.started
        print(f"  {at:5.1f} {at + seconds:5.1f} {seconds:5.1f}  {what}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--redis", action="store_true", help="Redis, PostgreSQL, worker processes")
    parser.add_argument("--workers", type=int, default=2, help="worker processes or threads")
    parser.add_argument("--repeat", type=int, default=1, help="baseline/pipeline pairs (0: none)")
    parser.add_argument(
        "--ffmpeg-threads", type=int, default=None, help="per job (default: the product's)"
    )
    parser.add_argument("--scaling", action="store_true", help="also 1 vs 2 workers, 1 thread")
    parser.add_argument("--timeline", action="store_true", help="print the last run's ffmpeg runs")
    args = parser.parse_args()
    source = make_source(args.seconds)
    with tempfile.TemporaryDirectory(prefix="streamsite-bench-") as tmp:
        setup_django(args.redis, Path(tmp))
        mode = "Redis + PostgreSQL, worker processes" if args.redis else "embedded, threads"
        print(f"source {source.name}; {mode}; {args.workers} workers")
        ratios = []
        for _ in range(args.repeat):
            base = baseline(source, threads=0)
            run = run_pipeline(source, args.workers, args.ffmpeg_threads, Path(tmp), args.redis)
            ratios.append(run.full / base)
            print(
                f"baseline {base:6.1f} s   pipeline {run.full:6.1f} s"
                f"   ratio {run.full / base:5.2f}"
                f"   time-to-playable {run.ready:5.1f} s = {run.ready / run.full:.0%}"
            )
        if ratios:
            median = statistics.median(ratios)
            print(f"ratio, median of {len(ratios)}: {median:.2f} (target <= 1.15)")
        if args.timeline and args.repeat:
            print_timeline(run)
        if args.scaling:
            kind = "processes" if args.redis else "threads"
            one = run_pipeline(source, 1, 1, Path(tmp), args.redis).full
            two = run_pipeline(source, 2, 1, Path(tmp), args.redis).full
            print(f"1 worker {kind[:-2]}, 1 ffmpeg thread each  {one:7.1f} s")
            print(f"2 worker {kind}, 1 ffmpeg thread each {two:7.1f} s  speed-up {one / two:.2f}x")
            if args.redis:
                one = run_pipeline(source, 1, None, Path(tmp), True, machines=True).full
                run = run_pipeline(source, 2, None, Path(tmp), True, machines=True)
                print(f"1 one-core worker machine (taskset)  {one:7.1f} s")
                print(
                    f"2 one-core worker machines {run.full:17.1f} s  speed-up {one / run.full:.2f}x"
                )
                if args.timeline:
                    print_timeline(run)


if __name__ == "__main__":
    main()
