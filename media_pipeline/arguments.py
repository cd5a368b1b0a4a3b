"""Pieces every ffmpeg command of the pipeline shares: quiet global flags, local-only protocols,
metadata stripping, and how paths and seconds are written."""

from __future__ import annotations

import os
from fractions import Fraction

QUIET = ["-hide_banner", "-nostdin", "-v", "error"]
LOCAL_ONLY = ["-protocol_whitelist", "file,pipe"]
# Uploads carry camera, location and editing-software metadata we must not republish.
STRIP_METADATA = ["-map_metadata", "-1", "-map_chapters", "-1"]
# The same, as output options of a filter graph (``filters``).
STRIP_OPTIONS = {"map_metadata": -1, "map_chapters": -1}


def abs_path(path: str) -> str:
    """Paths are made absolute against the caller's working directory, so running the tool
    with another ``cwd`` (as callers may, for scratch files) cannot change what it opens."""
    return os.path.abspath(path)


def seconds(value: Fraction | float) -> str:
    return f"{float(value):.6f}"
