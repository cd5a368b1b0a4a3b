"""LL-HLS as data: ffmpeg's HLS muxer cuts short TS *parts* (Debian's ffmpeg 5.1 writes no
EXT-X-PART); these functions group them into segments (a new one at each part that starts
with a keyframe) and write the low-latency media playlist RFC 8216bis describes: parts for
the newest segments, whole segments (the parts joined: TS concatenates) for older ones, a
preload hint for the next part, and blocking reloads announced in EXT-X-SERVER-CONTROL.

Pure functions: the caller reads and stores the files.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field

TS_PACKET = 188
# Segments that keep their parts listed (older ones are listed whole only).
PART_SEGMENTS = 3
_PART_NUMBER = re.compile(r"part_(\d+)\.ts$")


@dataclass(frozen=True)
class Part:
    number: int
    duration: float
    independent: bool
    date: str = ""  # EXT-X-PROGRAM-DATE-TIME of the part's first frame, as ffmpeg wrote it
    discontinuity: bool = False

    @property
    def uri(self) -> str:
        return part_name(self.number)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Segment:
    parts: list[Part] = field(default_factory=list)
    complete: bool = False

    @property
    def uri(self) -> str:
        return f"seg_{self.parts[0].number:06d}.ts"

    @property
    def duration(self) -> float:
        return sum(p.duration for p in self.parts)


def part_name(number: int) -> str:
    return f"part_{number:06d}.ts"


@dataclass(frozen=True)
class ListedPart:
    """One entry of ffmpeg's own playlist of parts."""

    number: int
    duration: float
    date: str
    discontinuity: bool


def parse_parts(playlist: str) -> list[ListedPart]:
    """ffmpeg's part playlist (EXTINF, PROGRAM-DATE-TIME, DISCONTINUITY, part_N.ts lines)."""
    parts: list[ListedPart] = []
    duration, date, discontinuity = 0.0, "", False
    for raw in playlist.splitlines():
        line = raw.strip()
        if line.startswith("#EXTINF:"):
            try:
                duration = float(line[8:].split(",", 1)[0])
            except ValueError:
                duration = 0.0
        elif line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            date = line.split(":", 1)[1]
        elif line == "#EXT-X-DISCONTINUITY":
            discontinuity = True
        elif line and not line.startswith("#"):
            match = _PART_NUMBER.search(line)
            if match and "/" not in line:
                parts.append(ListedPart(int(match[1]), duration, date, discontinuity))
            duration, date, discontinuity = 0.0, "", False
    return parts


def starts_with_keyframe(ts: bytes) -> bool:
    """Whether the first video PES of a TS file is a random access point (ffmpeg's mpegts
    muxer flags keyframes with the adaptation field's random_access_indicator)."""
    for offset in range(0, len(ts) - TS_PACKET + 1, TS_PACKET):
        packet = ts[offset : offset + TS_PACKET]
        if packet[0] != 0x47 or not packet[1] & 0x40:  # sync byte; payload_unit_start
            continue
        control = (packet[3] >> 4) & 0x3
        payload = 4
        random_access = False
        if control & 0x2:
            length = packet[4]
            random_access = length > 0 and bool(packet[5] & 0x40)
            payload = 5 + length
        if not control & 0x1 or payload + 4 > TS_PACKET:
            continue
        pes = packet[payload : payload + 4]
        if pes[:3] == b"\x00\x00\x01" and 0xE0 <= pes[3] <= 0xEF:
            return random_access
    return False


def starts_segment(current: Segment | None, part: Part, *, target_s: int) -> bool:
    """A part opens a new segment at a keyframe, at a discontinuity, or when the segment would
    otherwise outgrow the target duration (a publisher with sparse keyframes)."""
    if current is None or not current.parts or current.complete:
        return True
    if part.independent or part.discontinuity:
        return True
    return current.duration + part.duration >= target_s + 0.5


def part_target(part_s: float, fps: float) -> float:
    """PART-TARGET: a part is cut at the first frame on or after each part_s boundary, so it
    holds at most ceil(part_s × fps) frames."""
    frames = math.ceil(part_s * fps - 1e-6)
    return math.ceil(frames / fps * 1000) / 1000


def media_playlist(
    segments: list[Segment],
    *,
    media_sequence: int,
    discontinuity_sequence: int,
    target_s: int,
    part_target_s: float,
    next_part: int | None,
) -> str:
    """The LL-HLS media playlist of `segments` (oldest first; the last may be open).
    `next_part`: the number of the part ffmpeg writes next (its preload hint), None once the
    stream is over."""
    hold_back = round(3 * part_target_s, 3)
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:9",
        f"#EXT-X-TARGETDURATION:{target_s}",
        f"#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK={hold_back:g}",
        f"#EXT-X-PART-INF:PART-TARGET={part_target_s:g}",
        f"#EXT-X-MEDIA-SEQUENCE:{media_sequence}",
        f"#EXT-X-DISCONTINUITY-SEQUENCE:{discontinuity_sequence}",
    ]
    is_open = bool(segments) and not segments[-1].complete
    with_parts = len(segments) - PART_SEGMENTS - (1 if is_open else 0)
    for index, segment in enumerate(segments):
        first = segment.parts[0]
        if first.discontinuity and index > 0:
            lines.append("#EXT-X-DISCONTINUITY")
        if first.date:
            lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{first.date}")
        if index >= with_parts:
            for part in segment.parts:
                independent = ",INDEPENDENT=YES" if part.independent else ""
                lines.append(
                    f'#EXT-X-PART:DURATION={part.duration:.6f},URI="{part.uri}"{independent}'
                )
        if segment.complete:
            lines.append(f"#EXTINF:{segment.duration:.6f},")
            lines.append(segment.uri)
    if next_part is not None:
        lines.append(f'#EXT-X-PRELOAD-HINT:TYPE=PART,URI="{part_name(next_part)}"')
    else:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Position:
    """How far a media playlist goes: the last listed segment's sequence number and its last
    part's index (-1 without parts); whether that segment is complete; whether it ended."""

    msn: int
    part: int
    complete: bool
    ended: bool


def playlist_position(text: str) -> Position | None:
    sequence = None
    msn, part, complete, ended = -1, -1, True, "#EXT-X-ENDLIST" in text
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            sequence = int(line.split(":", 1)[1])
            msn = sequence - 1
        elif line.startswith("#EXT-X-PART:"):
            if complete:  # the first part of a new segment
                msn, part, complete = msn + 1, -1, False
            part += 1
        elif line and not line.startswith("#"):
            if complete:  # a whole segment listed without parts
                msn, part = msn + 1, -1
            complete = True
    if sequence is None:
        return None
    return Position(msn, part, complete, ended)


def satisfies(position: Position, msn: int, part: int | None) -> bool:
    """Whether a playlist at `position` answers a blocking reload for _HLS_msn / _HLS_part."""
    if position.ended or position.msn > msn:
        return True
    if position.msn < msn:
        return False
    if part is None or (position.complete and position.part < 0):
        return position.complete
    return position.part >= part


def too_far(position: Position, msn: int) -> bool:
    """RFC 8216bis: a request more than two segments ahead of the playlist is a 400."""
    return msn > position.msn + 2
