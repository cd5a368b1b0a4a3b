"""`manage.py worker`: run Dramatiq worker processes against the broker (Redis or RabbitMQ).

By default two pools share the machine:
- chunk workers (``--processes``, one thread each) take only the transcoding queue and fetch a
  new chunk only when the last one is done, so no chunk waits in a busy worker's local buffer
  while another worker is idle;
- one process for every other queue (planning, audio, packaging, and whatever later apps
  declare), so short jobs that make a video watchable never wait behind a long chunk.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.videos.pipeline.encoding import CHUNK_JOBS_ENV
from media_pipeline.run import usable_cores
from streamsite import housekeeping
from streamsite.broker import SHORT_JOB_POOL_ENV

CHUNK_QUEUE = "pipeline"
# Short jobs mostly wait on I/O (uploads to storage, the database) or on a brief ffmpeg: when
# a video's last chunk is done, its rungs are packaged side by side rather than two at a time.
FAST_THREADS = 4
# Idle workers poll Redis with a backoff capped at this many ms (Dramatiq's default is 1 s):
# a finished chunk's follow-up jobs start within a tenth of a second.
IDLE_POLL_MS = "100"


def _other_queues() -> list[str]:
    import dramatiq

    from streamsite.broker import import_actor_modules

    import_actor_modules()
    return sorted(q for q in dramatiq.get_broker().get_declared_queues() if q != CHUNK_QUEUE)


class Command(BaseCommand):
    help = "Run pipeline workers (Dramatiq) as separate processes. Needs BROKER_URL or REDIS_URL."

    def add_arguments(self, parser):
        parser.add_argument("--processes", type=int, default=usable_cores())
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument(
            "--queues",
            nargs="*",
            default=[],
            help="only these queues, in one pool (default: chunk workers plus one process "
            "for every other queue)",
        )

    def handle(self, *args, processes: int, threads: int, queues: list[str], **options):
        if not settings.BROKER_URL:
            raise CommandError(
                "REDIS_URL is not set (nor BROKER_URL): in the embedded default the server runs "
                "its own workers."
            )
        if processes < 1 or threads < 1:
            raise CommandError("--processes and --threads must be at least 1.")
        if queues:
            pools = [(processes, threads, queues)]
        else:
            pools = [(processes, threads, [CHUNK_QUEUE]), (1, FAST_THREADS, _other_queues())]
        # Expired resumable uploads go without a cron (when this host shares the upload dir).
        housekeeping.start()
        env = {**os.environ}
        env.setdefault("dramatiq_worker_timeout", IDLE_POLL_MS)
        children = []
        for count, per_process, names in pools:
            argv = [
                sys.executable, "-m", "dramatiq", "streamsite.worker_app",
                "--processes", str(count), "--threads", str(per_process),
                "--worker-shutdown-timeout", str(int(settings.WORKER_SHUTDOWN_TIMEOUT_S * 1000)),
                "--queues", *names,
            ]  # fmt: skip
            pool_env = dict(env)
            if names == [CHUNK_QUEUE]:
                # Prefetch counts the jobs in progress: one per thread means no extra held.
                pool_env.setdefault("dramatiq_queue_prefetch", str(per_process))
                # Each chunk's ffmpeg then takes its share of the cores (encoding.ffmpeg_threads).
                pool_env.setdefault(CHUNK_JOBS_ENV, str(count * per_process))
                if len(pools) > 1:
                    pool_env[SHORT_JOB_POOL_ENV] = "1"
            self.stderr.write(f"starting {count} worker process(es): {' '.join(argv[2:])}")
            children.append(subprocess.Popen(argv, env=pool_env))
        sys.exit(_supervise(children))


def _supervise(children: list[subprocess.Popen]) -> int:
    """Pass stop and reload signals on to every pool; when one pool exits, stop the others and
    exit with its code, so a process manager sees one service."""

    def forward(signum, _frame):
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, forward)
    code = None
    while code is None:
        pid, status = os.wait()
        if any(child.pid == pid for child in children):
            code = os.waitstatus_to_exitcode(status)
            for child in children:
                if child.pid == pid:
                    child.returncode = code
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.kill()
    return code if code >= 0 else 128 - code
