"""`manage.py worker`: run Dramatiq worker processes against the Redis broker."""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run pipeline workers (Dramatiq) as separate processes. Needs REDIS_URL."

    def add_arguments(self, parser):
        parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument(
            "--queues", nargs="*", default=[], help="only these queues (default: all)"
        )

    def handle(self, *args, processes: int, threads: int, queues: list[str], **options):
        if not settings.REDIS_URL:
            raise CommandError(
                "REDIS_URL is not set: in the embedded default the server runs its own workers."
            )
        # Transcoding is CPU-bound and each job runs ffmpeg as a child process, so one thread
        # per process keeps a job from waiting behind another on the same core.
        argv = [
            sys.executable,
            "-m",
            "dramatiq",
            "streamsite.worker_app",
            "--processes",
            str(processes),
            "--threads",
            str(threads),
        ]
        if queues:
            argv += ["--queues", *queues]
        self.stderr.write(f"starting {processes} worker process(es): {' '.join(argv[2:])}")
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, argv)
