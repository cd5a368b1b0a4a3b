"""`manage.py live_ingest`: the RTMP ingest (alone in production; `make run` starts it too)."""

from __future__ import annotations

import asyncio
import signal

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.live.ingest.server import IngestServer
from streamsite.broker import start_embedded_worker, stop_embedded_worker


class Command(BaseCommand):
    help = "Accept RTMP publishers on RTMP_PORT and turn their streams into the live HLS ladder."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=settings.RTMP_HOST)
        parser.add_argument("--port", type=int, default=settings.RTMP_PORT)

    def handle(self, *args, host: str, port: int, **options) -> None:
        # Embedded (no Redis): the recording's processing runs in this process's own workers,
        # since the web server's in-memory queue cannot be reached from here.
        start_embedded_worker()
        try:
            asyncio.run(self._serve(host, port))
        finally:
            stop_embedded_worker()

    async def _serve(self, host: str, port: int) -> None:
        server = IngestServer()
        bound = await server.start(host, port)
        self.stdout.write(f"RTMP ingest on rtmp://{host}:{bound}/live/<stream key>")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        sweeper = asyncio.create_task(server.sweep_forever())
        await stop.wait()
        sweeper.cancel()
        await server.close()
