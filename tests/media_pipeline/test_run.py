"""run_tool: timeouts kill the whole process group, limits apply, failures carry stderr."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest

from media_pipeline import run
from media_pipeline.run import (
    ToolFailed,
    ToolTimeout,
    find_ffmpeg,
    find_ffprobe,
    run_tool,
    usable_cores,
)

PY = sys.executable
ROOT = Path(__file__).resolve().parents[2]


def test_captures_stdout_and_stderr() -> None:
    result = run_tool(
        [PY, "-c", "import sys; print('out'); print('err', file=sys.stderr)"], timeout=10
    )
    assert result.stdout.strip() == "out"
    assert result.stderr.strip() == "err"


def test_stdin_is_closed() -> None:
    # A tool that waits for input must see EOF, not hang a worker.
    result = run_tool([PY, "-c", "import sys; print(repr(sys.stdin.read()))"], timeout=10)
    assert result.stdout.strip() == "''"


def test_stdout_path(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    result = run_tool([PY, "-c", "print('x' * 10)"], timeout=10, stdout_path=out)
    assert out.read_text().strip() == "x" * 10
    assert result.stdout == ""


def test_cwd(tmp_path: Path) -> None:
    result = run_tool([PY, "-c", "import os; print(os.getcwd())"], timeout=10, cwd=tmp_path)
    assert Path(result.stdout.strip()).resolve() == tmp_path.resolve()


def test_failure_carries_returncode_and_stderr_tail() -> None:
    script = "import sys; sys.stderr.write('noise\\n' * 2000 + 'the real error\\n'); sys.exit(3)"
    with pytest.raises(ToolFailed) as info:
        run_tool([PY, "-c", script], timeout=10)
    assert info.value.returncode == 3
    assert info.value.stderr_tail.endswith("the real error\n")
    assert len(info.value.stderr_tail.encode()) <= run.STDERR_TAIL_BYTES
    assert "the real error" in str(info.value)
    copy = pickle.loads(pickle.dumps(info.value))
    assert (copy.returncode, copy.stderr_tail) == (3, info.value.stderr_tail)
    assert str(copy) == str(info.value)


def test_huge_stderr_is_bounded() -> None:
    script = "import sys; sys.stderr.write('y' * 5_000_000 + 'END')"
    result = run_tool([PY, "-c", script], timeout=20)
    assert len(result.stderr) < run.MAX_CAPTURE_BYTES + 100
    assert result.stderr.endswith("END")


def test_timeout_kills_the_whole_group(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    # The grandchild would survive a kill of only the direct child.
    script = (
        "import subprocess, sys, time\n"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(p.pid))\n"
        "time.sleep(60)\n"
    )
    started = time.monotonic()
    with pytest.raises(ToolTimeout):
        run_tool([PY, "-c", script], timeout=1.5)
    assert time.monotonic() - started < 10
    grandchild = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            break
        # Killed but not yet reaped by init: a zombie holds the pid briefly.
        time.sleep(0.05)
    else:
        state = Path(f"/proc/{grandchild}/stat").read_text().split()[2]
        assert state == "Z", "grandchild survived the timeout"


def test_cpu_limit_counts_as_timeout() -> None:
    with pytest.raises(ToolTimeout):
        run_tool([PY, "-c", "while True: pass"], timeout=30, cpu_seconds=1)


def test_memory_limit() -> None:
    with pytest.raises(ToolFailed):
        run_tool([PY, "-c", "x = bytearray(800 * 1024 * 1024)"], timeout=30, memory_mb=300)


def test_core_dumps_disabled() -> None:
    result = run_tool(
        [PY, "-c", "import resource; print(resource.getrlimit(resource.RLIMIT_CORE))"], timeout=10
    )
    assert result.stdout.strip() == "(0, 0)"


def test_missing_binary_is_a_tool_error(tmp_path: Path) -> None:
    with pytest.raises(run.ToolError):
        run_tool([str(tmp_path / "nope")], timeout=5)


def test_find_ffmpeg_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "my-ffmpeg"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert find_ffmpeg(str(fake)) == str(fake)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_ffmpeg("my-ffmpeg") == str(fake)
    with pytest.raises(run.ToolError):
        find_ffmpeg(str(tmp_path / "missing"))
    with pytest.raises(run.ToolError):
        find_ffmpeg("not-on-path")


def test_find_ffmpeg_falls_back_to_imageio(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip("imageio_ffmpeg")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", "")
    found = find_ffmpeg()
    assert "imageio_ffmpeg" in found or os.path.basename(found).startswith("ffmpeg")


def test_find_ffprobe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lonely = tmp_path / "bin" / "ffmpeg"
    lonely.parent.mkdir()
    lonely.write_text("#!/bin/sh\n")
    lonely.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert find_ffprobe(str(lonely)) is None
    probe = lonely.parent / "ffprobe"
    probe.write_text("#!/bin/sh\n")
    probe.chmod(0o755)
    assert find_ffprobe(str(lonely)) == str(probe)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs a machine with two cores")
def test_usable_cores_follows_the_cpu_set() -> None:
    # A container or `taskset` that allows one core must get one ffmpeg thread per job, not
    # one per core of the machine.
    code = "from media_pipeline.run import usable_cores; print(usable_cores())"
    pinned = subprocess.run(
        [sys.executable, "-c", code],
        preexec_fn=lambda: os.sched_setaffinity(0, {0}),
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    assert pinned.stdout.strip() == "1"
    assert usable_cores() == len(os.sched_getaffinity(0))
