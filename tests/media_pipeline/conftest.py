"""Binaries for the media pipeline tests: the same discovery the application uses."""

from __future__ import annotations

import pytest

from media_pipeline.run import find_ffmpeg, find_ffprobe


@pytest.fixture(scope="session")
def ffmpeg_bin() -> str:
    return find_ffmpeg()


@pytest.fixture(scope="session")
def ffprobe_bin(ffmpeg_bin: str) -> str:
    found = find_ffprobe(ffmpeg_bin)
    if found is None:
        pytest.skip("ffprobe not installed (the ffmpeg-only fallback is tested separately)")
    return found
