"""Is a source interlaced? The container's flag first, then the pictures themselves.

A field-order flag is often missing or wrong (camcorder footage re-wrapped by an editor, or an
encoder that codes fields as progressive frames), so a short ``idet`` pass looks at real frames:
combing between the two fields of moving content is what tells. The flag decides only when the
frames show no motion to judge by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import filters
from .arguments import abs_path

# Enough frames to judge (2.4 s at 25 fps) for little decoding: on the shared 2-core machine
# the pass adds 1 to 3 s to probing a 1080p upload (the seek decodes from the keyframe before).
IDET_FRAMES = 60
# Fewer decided frames than this and the content cannot say (a still, a black start).
_MIN_DECIDED = 20
_FLAGGED_TOP = {"tt", "tb"}
_FLAGGED_BOTTOM = {"bb", "bt"}
# Interlaced material is stored as 25 or 29.97 (or 30) frames of two fields; higher frame
# rates are progressive, and idet would only cost time there.
MAX_INTERLACED_FPS = 30.5


@dataclass(frozen=True)
class FieldCounts:
    """idet's multi-frame verdicts (steadier than its single-frame ones)."""

    tff: int
    bff: int
    progressive: int
    undetermined: int

    @property
    def decided(self) -> int:
        return self.tff + self.bff + self.progressive


def idet_args(
    *, ffmpeg: str, source: str, demuxer: str, video_stream: int, start_s: float
) -> list[str]:
    """A short idet pass over the upload, reading it like every other untrusted read: local
    files only, the probe's demuxer forced, an input seek, nothing written (``-f null``)."""
    node = filters.source_input(
        abs_path(source),
        protocol_whitelist="file",
        format=demuxer,
        ss=f"{max(0.0, start_s):.3f}",
        threads=2,
    )
    detected = filters.interlace_probe(node[f"v:{video_stream}"])
    out = filters.output(
        detected, "-", format="null", an=None, sn=None, **{"frames:v": IDET_FRAMES}
    )
    # idet reports at the info level; the banner and progress lines are left out.
    return [ffmpeg, "-hide_banner", "-nostdin", "-nostats", *filters.compile_outputs(out)]


_MULTI_RE = re.compile(
    r"Multi frame detection: TFF:\s*(\d+)\s+BFF:\s*(\d+)\s+Progressive:\s*(\d+)\s+"
    r"Undetermined:\s*(\d+)"
)


def parse_idet(stderr: str) -> FieldCounts | None:
    found = _MULTI_RE.findall(stderr)
    if not found:
        return None
    # One report per idet instance; the last line is the complete one.
    return FieldCounts(*(int(n) for n in found[-1]))


def parity(field_order: str | None, counts: FieldCounts | None) -> str | None:
    """ "tff"/"bff" when the source must be deinterlaced, None when it is progressive.

    Frames with motion decide: interlaced when most decided frames are combed in one field
    order (real fields show one order throughout; a progressive picture mistaken for combed
    shows both). A stream flagged interlaced whose frames are progressive (film in an
    interlaced broadcast stream) is left alone: deinterlacing would only soften it.
    """
    if counts is not None and counts.decided >= _MIN_DECIDED:
        first, other = max(counts.tff, counts.bff), min(counts.tff, counts.bff)
        if first <= counts.progressive or first < 4 * other:
            return None
        return "tff" if counts.tff > counts.bff else "bff"
    if field_order in _FLAGGED_TOP:
        return "tff"
    if field_order in _FLAGGED_BOTTOM:
        return "bff"
    return None
