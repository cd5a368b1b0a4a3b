"""The RTMP ingest in this process (a thread with its own event loop, port chosen by the OS),
so it shares the test database; and an ffmpeg publisher of a small test pattern."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import threading

import pytest


class _IngestThread(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True, name="live-ingest")
        self.ready = threading.Event()
        self.port = 0
        self.server = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        from apps.live.ingest.server import IngestServer

        self.loop = asyncio.new_event_loop()
        self.server = IngestServer()
        try:
            self.port = self.loop.run_until_complete(self.server.start("127.0.0.1", 0))
        except BaseException as exc:  # noqa: BLE001 - reported to the fixture
            self.error = exc
            self.ready.set()
            return
        self.ready.set()
        self.loop.run_forever()
        self.loop.close()

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.close(), self.loop).result(60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.join(30)


@pytest.fixture
def ingest(transactional_db, settings):
    """rtmp://127.0.0.1:<port>/live of a running ingest."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not available")
    settings.LIVE_DVR_WINDOW_S = 0
    thread = _IngestThread()
    thread.start()
    assert thread.ready.wait(10)
    if thread.error:
        raise thread.error
    thread.url = f"rtmp://127.0.0.1:{thread.port}/live"
    yield thread
    thread.stop()


def publish(url: str, *, seconds: float, size: str = "320x180", audio: bool = True,
            video: bool = True, extra: list[str] | None = None) -> subprocess.Popen:  # fmt: skip
    """ffmpeg publishing a test pattern (with a tone) in real time, as an encoder would."""
    args = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re"]
    if video:
        args += ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30"]
    if audio:
        args += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]
    args += ["-t", str(seconds)]
    if video:
        args += ["-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p"]
    if audio:
        args += ["-c:a", "aac", "-b:a", "64k"]
    args += [*(extra or []), "-f", "flv", url]
    return subprocess.Popen(args, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
