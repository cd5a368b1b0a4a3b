"""Starting ffmpeg/ffprobe: the only module that creates processes.

Every tool runs in its own session with resource limits, no stdin and bounded captured output, so
a hostile file can neither hang a worker (the whole process group is killed on timeout) nor fill
its memory with log output.
"""

from __future__ import annotations

import functools
import os
import re
import resource
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

STDERR_TAIL_BYTES = 2048
# Output beyond this is dropped from the middle: callers parse the head (ffmpeg's input banner)
# or the tail (last error), and a damaged file can log megabytes of identical complaints.
MAX_CAPTURE_BYTES = 1 << 20
_KEEP_TAIL_BYTES = 16 * 1024


def usable_cores() -> int:
    """Cores this process may run on: a cpuset (a container, `taskset`) can allow fewer than
    the machine has, and sizing ffmpeg's threads by the machine would oversubscribe them."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class ToolError(Exception):
    """An external tool could not be found, started or finished."""


class ToolTimeout(ToolError):
    """The tool ran past its wall-clock (or CPU) budget and was killed."""


class ToolFailed(ToolError):
    """The tool exited non-zero (or was killed by a signal)."""

    def __init__(self, args: list[str], returncode: int, stderr: str) -> None:
        self.args_list = args
        self.returncode = returncode
        # Bounded like run_tool's capture; the tail is what ends up in logs and job records.
        self.stderr = stderr
        self.stderr_tail = _tail(stderr)
        name = Path(args[0]).name if args else "tool"
        lines = self.stderr_tail.strip().splitlines()
        super().__init__(f"{name} exited with {returncode}: {lines[-1] if lines else ''}")

    def __reduce__(self) -> tuple[type[ToolFailed], tuple[list[str], int, str]]:
        # Task queues pickle exceptions; the default would call __init__ with the message only.
        return (type(self), (self.args_list, self.returncode, self.stderr))


def find_ffmpeg(configured: str | None = None) -> str:
    """The ffmpeg to use: the configured one, else PATH, else the imageio-ffmpeg wheel's."""
    if configured:
        if os.sep in configured:
            if os.path.isfile(configured) and os.access(configured, os.X_OK):
                return configured
            raise ToolError(f"Configured ffmpeg {configured!r} is not an executable file.")
        found = shutil.which(configured)
        if not found:
            raise ToolError(f"Configured ffmpeg {configured!r} is not on PATH.")
        return found
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg
    except ImportError as exc:
        raise ToolError("No ffmpeg on PATH and imageio-ffmpeg is not installed.") from exc
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def find_ffprobe(ffmpeg: str) -> str | None:
    """ffprobe beside ffmpeg, else on PATH, else None (the imageio wheel ships no ffprobe)."""
    located = Path(ffmpeg) if os.sep in ffmpeg else Path(shutil.which(ffmpeg) or ffmpeg)
    # Both the directory of the name we were given and of its target: /usr/local/bin/ffmpeg
    # may be a symlink into a bundle that keeps ffprobe next to the real binary.
    for directory in dict.fromkeys([located.parent, located.resolve().parent]):
        sibling = directory / "ffprobe"
        if sibling.is_file() and os.access(sibling, os.X_OK):
            return str(sibling)
    return shutil.which("ffprobe")


@functools.cache
def ffmpeg_filters(ffmpeg: str) -> frozenset[str]:
    """Names of the filters this ffmpeg build has (builds differ: zscale needs libzimg)."""
    listing = run_tool([ffmpeg, "-hide_banner", "-nostdin", "-filters"], timeout=30).stdout
    # Lines look like " TS. bwdif   V->V   Deinterlace ..." (5.1) or " TS bwdif ..." (7+).
    return frozenset(m[1] for m in re.finditer(r"^ [A-Z.]{2,3} (\w+)\s", listing, re.M))


def _limiter(cpu_seconds: int | None, memory_mb: int | None) -> Callable[[], None]:
    def apply() -> None:
        # Runs in the child between fork and exec: only async-signal-safe-ish work here.
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if cpu_seconds is not None:
            # The hard limit a little above the soft one: SIGXCPU first, SIGKILL if ignored.
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
        if memory_mb is not None:
            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def _read_bounded(fh: IO[bytes]) -> str:
    fh.flush()
    size = fh.seek(0, os.SEEK_END)
    fh.seek(0)
    if size <= MAX_CAPTURE_BYTES:
        data = fh.read()
    else:
        head = fh.read(MAX_CAPTURE_BYTES - _KEEP_TAIL_BYTES)
        fh.seek(size - _KEEP_TAIL_BYTES)
        data = head + b"\n[... output truncated ...]\n" + fh.read()
    return data.decode("utf-8", errors="replace")


def _tail(text: str) -> str:
    encoded = text.encode("utf-8", errors="replace")[-STDERR_TAIL_BYTES:]
    return encoded.decode("utf-8", errors="replace")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        # The group already exited between the timeout and the kill.
        return


def run_tool(
    args: list[str],
    *,
    timeout: float,
    cwd: str | Path | None = None,
    cpu_seconds: int | None = None,
    memory_mb: int | None = None,
    stdout_path: str | Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``args`` and return its captured output; raise ToolTimeout/ToolFailed otherwise.

    stdout goes to ``stdout_path`` when given (for bulky output such as framecrc), else it is
    captured like stderr. Both are spooled to temporary files rather than pipes so a chatty tool
    can never block on a full pipe, and only a bounded amount is read back.
    """
    if not args:
        raise ToolError("No command given.")
    with tempfile.TemporaryFile() as err_fh, tempfile.TemporaryFile() as out_fh:
        out_target: IO[bytes] = out_fh
        opened: IO[bytes] | None = None
        if stdout_path is not None:
            opened = open(stdout_path, "wb")  # closed in the finally below
            out_target = opened
        try:
            try:
                proc = subprocess.Popen(
                    args,
                    stdin=subprocess.DEVNULL,
                    stdout=out_target,
                    stderr=err_fh,
                    cwd=cwd,
                    close_fds=True,
                    start_new_session=True,
                    preexec_fn=_limiter(cpu_seconds, memory_mb),
                )
            except OSError as exc:
                raise ToolError(f"Could not start {args[0]}: {exc}") from exc
            try:
                returncode = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired as exc:
                _kill_group(proc)
                proc.wait()
                raise ToolTimeout(f"{Path(args[0]).name} took longer than {timeout:g} s") from exc
            except BaseException:
                # KeyboardInterrupt or a worker shutdown must not orphan an encoder.
                _kill_group(proc)
                proc.wait()
                raise
        finally:
            if opened is not None:
                opened.close()
        stderr = _read_bounded(err_fh)
        stdout = "" if stdout_path is not None else _read_bounded(out_fh)
    if returncode == -signal.SIGXCPU or (cpu_seconds is not None and returncode == -signal.SIGKILL):
        raise ToolTimeout(f"{Path(args[0]).name} used more than {cpu_seconds} CPU seconds")
    if returncode != 0:
        raise ToolFailed(list(args), returncode, stderr)
    return subprocess.CompletedProcess(args, returncode, stdout, stderr)


async def start_tool_async(
    args: list[str],
    *,
    cpu_seconds: int | None = None,
    memory_mb: int | None = None,
):
    """Start a long-running tool (a live encoder) fed on stdin, progress on stdout, under the
    same limits as run_tool: its own session (killed as a group), no core dumps, CPU and memory
    caps. The caller owns its lifetime and stops it with kill_group()."""
    import asyncio

    if not args:
        raise ToolError("No command given.")
    try:
        return await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            close_fds=True,
            start_new_session=True,
            preexec_fn=_limiter(cpu_seconds, memory_mb),
        )
    except OSError as exc:
        raise ToolError(f"Could not start {args[0]}: {exc}") from exc


def kill_group(pid: int) -> None:
    """SIGKILL a tool started here and everything it started."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
