"""One live encoder process: FLV in on stdin, the HLS ladder out into a local directory.

It is restarted when it dies while the publisher is still sending (a resumed playlist with a
discontinuity, fed again from the next keyframe); a publisher that keeps killing it is ended.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import Callable
from pathlib import Path

from media_pipeline import live
from media_pipeline.run import kill_group, start_tool_async

logger = logging.getLogger(__name__)

MAX_RESTARTS_PER_MINUTE = 4
# The longest broadcast one encoder may run (CPU seconds); a restart starts a new budget.
CPU_BUDGET_S = 24 * 3600
MEMORY_MB = 2048


class TranscoderFailed(Exception):
    pass


class Transcoder:
    def __init__(self, args_for: Callable[[bool], list[str]], *, stream_id: str) -> None:
        # args_for(resume: bool) -> ffmpeg arguments: a restarted encoder appends to the playlist.
        self._args_for = args_for
        self.stream_id = stream_id
        self.proc: asyncio.subprocess.Process | None = None
        self.progress: dict = {}
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=20)
        self._restarts: collections.deque[float] = collections.deque()
        self._readers: list[asyncio.Task] = []
        self.needs_keyframe = True
        self.dropped_before = 0

    async def start(self, *, resume: bool) -> None:
        self.proc = await start_tool_async(
            self._args_for(resume), cpu_seconds=CPU_BUDGET_S, memory_mb=MEMORY_MB
        )
        self.needs_keyframe = True
        self.progress = {}
        self.progress_at = time.monotonic()
        self._readers = [
            asyncio.create_task(self._read_progress(self.proc)),
            asyncio.create_task(self._read_stderr(self.proc)),
        ]
        logger.info("live encoder started", extra={"stream": self.stream_id, "resume": resume})

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    def stalled(self, after_s: float) -> bool:
        """Running but writing nothing for `after_s`: hung, as good as dead."""
        return self.alive and time.monotonic() - self.progress_at > after_s

    async def restart(self) -> None:
        """Start a new encoder after this one died; raise TranscoderFailed if it keeps dying."""
        now = time.monotonic()
        self._restarts.append(now)
        while self._restarts and now - self._restarts[0] > 60:
            self._restarts.popleft()
        if len(self._restarts) > MAX_RESTARTS_PER_MINUTE:
            raise TranscoderFailed("The encoder keeps failing on this stream.")
        logger.warning(
            "live encoder died; restarting",
            extra={"stream": self.stream_id, "stderr": "\n".join(self.stderr_tail)},
        )
        self.dropped_before += int(self.progress.get("dropped_frames", 0))
        await self.stop(graceful=False)
        await self.start(resume=True)

    async def write(self, data: bytes) -> bool:
        """Feed the encoder; False when it is gone (the caller restarts it)."""
        proc = self.proc
        if proc is None or proc.returncode is not None or proc.stdin is None:
            return False
        try:
            proc.stdin.write(data)
            await proc.stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            # Restarted meanwhile (the heartbeat found it hung): the new one is already running
            # and waits for the next keyframe; these bytes are simply not needed.
            return self.proc is not proc
        return True

    async def stop(self, *, graceful: bool = True, timeout: float = 10.0) -> None:
        proc = self.proc
        if proc is None:
            return
        if graceful and proc.returncode is None and proc.stdin is not None:
            # End of input: ffmpeg writes the last segment and the playlists, then exits.
            try:
                proc.stdin.close()
                await asyncio.wait_for(proc.wait(), timeout)
            except (TimeoutError, BrokenPipeError, ConnectionResetError):
                logger.warning("live encoder slow to stop", extra={"stream": self.stream_id})
        if proc.returncode is None:
            kill_group(proc.pid)
            await proc.wait()
        # The readers end at the pipes' EOF, which lets asyncio close the process transport.
        _, pending = await asyncio.wait(self._readers, timeout=5) if self._readers else ((), ())
        for task in pending:
            task.cancel()
        self._readers = []

    @property
    def dropped_frames(self) -> int:
        return self.dropped_before + int(self.progress.get("dropped_frames", 0))

    async def _read_progress(self, proc: asyncio.subprocess.Process) -> None:
        block: list[str] = []
        assert proc.stdout is not None
        while True:
            raw = await proc.stdout.readline()
            if not raw:
                return
            line = raw.decode("ascii", errors="replace").strip()
            block.append(line)
            if line.startswith("progress="):
                progress = live.parse_progress(block)
                if progress["out_time_s"] != self.progress.get("out_time_s"):
                    self.progress_at = time.monotonic()
                self.progress = progress
                block = []
            elif len(block) > 100:  # not ffmpeg's progress format: do not hoard it
                block = []

    async def _read_stderr(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stderr is not None
        while True:
            raw = await proc.stderr.readline()
            if not raw:
                return
            self.stderr_tail.append(raw.decode("utf-8", errors="replace")[:500].rstrip())


def work_dir(base: Path, stream_id: str) -> Path:
    path = base / "live" / stream_id
    path.mkdir(parents=True, exist_ok=True)
    return path
