"""Parsers for what ffprobe and ffmpeg print about an input: pure text in, data out.

Two sources feed the same structure: ffprobe's JSON when ffprobe exists, and ffmpeg's own input
banner (``ffmpeg -i file`` on stderr) when only ffmpeg does, as with the imageio-ffmpeg wheel.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .chapters import Chapter, from_banner, from_ffprobe


@dataclass(frozen=True)
class StreamInfo:
    index: int
    kind: str  # "video", "audio", "subtitle", "data", "attachment"
    codec: str
    width: int = 0
    height: int = 0
    sar: Fraction = Fraction(1)
    avg_fps: Fraction | None = None
    r_fps: Fraction | None = None
    # Clockwise degrees a player must turn the coded picture, i.e. what ffmpeg's autorotate does.
    rotation: int = 0
    attached_pic: bool = False
    duration: float | None = None
    # ffprobe's names: "progressive", "tt", "bb", "tb", "bt"; None when the stream does not say.
    field_order: str | None = None
    # ffprobe's names ("smpte2084", "bt2020", ...); None when unspecified.
    color_transfer: str | None = None
    color_primaries: str | None = None
    color_space: str | None = None
    language: str | None = None
    default: bool = False


@dataclass(frozen=True)
class ContainerInfo:
    format_name: str
    duration: float | None
    start_time: float = 0.0
    bit_rate: int | None = None
    streams: tuple[StreamInfo, ...] = field(default_factory=tuple)
    # As the container lists them: unsorted, uncleaned (media_pipeline.chapters.normalise).
    chapters: tuple[Chapter, ...] = ()


def _fraction(text: Any) -> Fraction | None:
    if text is None:
        return None
    try:
        if isinstance(text, str) and ":" in text:
            num, den = text.split(":", 1)
            value = Fraction(int(num), int(den))
        else:
            value = Fraction(str(text))
    except (ValueError, ZeroDivisionError):
        return None
    return value if value > 0 else None


def _float(value: Any) -> float | None:
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if result == result and result not in (float("inf"), float("-inf")) else None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def clockwise_rotation(display_matrix_degrees: float) -> int:
    """ffmpeg reports the display matrix angle counter-clockwise; autorotate turns the other way."""
    return int(round(-display_matrix_degrees / 90.0)) * 90 % 360


def _known(value: Any) -> str | None:
    text = str(value or "").strip()
    return text if text and text not in {"unknown", "unspecified", "reserved"} else None


def _language(value: Any) -> str | None:
    # "und" is what a muxer writes when nobody said: the same as no tag.
    text = _known(value)
    return text if text and text != "und" and re.fullmatch(r"[A-Za-z]{2,3}(-\w+)?", text) else None


def parse_ffprobe_json(text: str) -> ContainerInfo:
    """Turn ``ffprobe -show_format -show_streams -print_format json`` output into ContainerInfo."""
    data = json.loads(text or "{}")
    fmt = data.get("format") or {}
    streams: list[StreamInfo] = []
    for raw in data.get("streams") or []:
        rotation = 0
        for side in raw.get("side_data_list") or []:
            if "rotation" in side:
                rotation = clockwise_rotation(float(side["rotation"]))
        tags = raw.get("tags") or {}
        if not rotation and _int(tags.get("rotate")) is not None:
            # Older muxers/ffmpeg builds expose the legacy clockwise tag instead of side data.
            rotation = int(tags["rotate"]) % 360 // 90 * 90
        streams.append(
            StreamInfo(
                index=_int(raw.get("index")) or 0,
                kind=str(raw.get("codec_type") or ""),
                codec=str(raw.get("codec_name") or "unknown"),
                width=_int(raw.get("width")) or 0,
                height=_int(raw.get("height")) or 0,
                sar=_fraction(raw.get("sample_aspect_ratio")) or Fraction(1),
                avg_fps=_fraction(raw.get("avg_frame_rate")),
                r_fps=_fraction(raw.get("r_frame_rate")),
                rotation=rotation,
                attached_pic=bool((raw.get("disposition") or {}).get("attached_pic")),
                duration=_float(raw.get("duration")),
                field_order=_known(raw.get("field_order")),
                color_transfer=_known(raw.get("color_transfer")),
                color_primaries=_known(raw.get("color_primaries")),
                color_space=_known(raw.get("color_space")),
                language=_language(tags.get("language")),
                default=bool((raw.get("disposition") or {}).get("default")),
            )
        )
    return ContainerInfo(
        format_name=str(fmt.get("format_name") or ""),
        duration=_float(fmt.get("duration")),
        start_time=_float(fmt.get("start_time")) or 0.0,
        bit_rate=_int(fmt.get("bit_rate")),
        streams=tuple(streams),
        chapters=tuple(from_ffprobe(data.get("chapters"))),
    )


_INPUT_RE = re.compile(r"^Input #0, (?P<fmt>.+), from '", re.M)
_DURATION_RE = re.compile(
    r"^\s*Duration: (?:(?P<h>\d+):(?P<m>\d+):(?P<s>\d+(?:\.\d+)?)|N/A)"
    r"(?:, start: (?P<start>-?\d+(?:\.\d+)?))?(?:, bitrate: (?P<br>\d+) kb/s)?",
    re.M,
)
_STREAM_RE = re.compile(
    r"^\s*Stream #0:(?P<idx>\d+)(?:\[\w+\])?(?:\((?P<lang>[\w-]+)\))?[^:]*: "
    r"(?P<kind>\w+): (?P<rest>.*)$"
)
_SIZE_RE = re.compile(r"(?:^|, )(?P<w>\d{1,6})x(?P<h>\d{1,6})(?=$|[ ,\[])")
_SAR_RE = re.compile(r"\[SAR (?P<n>\d+):(?P<d>\d+) DAR")
_FPS_RE = re.compile(r", (?P<v>\d+(?:\.\d+)?)(?P<k>k?) fps\b")
_TBR_RE = re.compile(r", (?P<v>\d+(?:\.\d+)?)(?P<k>k?) tbr\b")
# ffmpeg 5.1 prints "displaymatrix: rotation of ...", 7.x and later "Display Matrix: ...".
_ROT_RE = re.compile(r"display ?matrix: rotation of (?P<deg>-?\d+(?:\.\d+)?) degrees", re.I)
_ROTATE_TAG_RE = re.compile(r"^\s+rotate\s*:\s*(?P<deg>-?\d+)\s*$")


def banner_rate(value: str, kilo: str = "") -> Fraction | None:
    """ffmpeg prints rates with 4 significant digits ("29.97"); recover the exact NTSC fraction."""
    rate = float(value) * (1000 if kilo else 1)
    if rate <= 0:
        return None
    ntsc = round(rate * 1.001)
    if "." in value and abs(ntsc / 1.001 - rate) < 0.006:
        return Fraction(ntsc * 1000, 1001)
    return Fraction(value).limit_denominator(1000) * (1000 if kilo else 1)


# How the banner words field order (libavcodec's avcodec_string) -> ffprobe's names.
_BANNER_FIELD_ORDER = {
    "progressive": "progressive",
    "top first": "tt",
    "bottom first": "bb",
    "top coded first (swapped)": "tb",
    "bottom coded first (swapped)": "bt",
}


def _pixel_details(rest: str) -> list[str]:
    """The items inside the pixel format's parentheses: "yuv420p10le(tv, bt2020nc/bt2020/
    smpte2084, top first)" -> ["tv", "bt2020nc/bt2020/smpte2084", "top first"]. A field order
    can hold its own parentheses, so the closing one is found by counting."""
    found = re.search(r"(?:^|, )[a-z0-9_]+\(", rest)
    if not found:
        return []
    depth, start = 1, found.end()
    for pos in range(start, len(rest)):
        depth += {"(": 1, ")": -1}.get(rest[pos], 0)
        if depth == 0:
            return [item.strip() for item in re.split(r", (?![^(]*\))", rest[start:pos])]
    return []


def _banner_colour(items: list[str]) -> dict[str, str | None]:
    facts: dict[str, str | None] = {"field_order": None}
    for item in items:
        if item in _BANNER_FIELD_ORDER:
            facts["field_order"] = _BANNER_FIELD_ORDER[item]
        elif item in {"tv", "pc"}:
            continue
        elif re.fullmatch(r"[\w-]+(/[\w-]+){2}", item):
            space, primaries, transfer = item.split("/")
            facts |= {"color_space": space, "color_primaries": primaries}
            facts["color_transfer"] = transfer
        elif re.fullmatch(r"[\w-]+", item):
            # One name when matrix, primaries and transfer are all the same.
            facts |= {"color_space": item, "color_primaries": item, "color_transfer": item}
    return {key: _known(value) for key, value in facts.items()}


def _banner_stream(
    idx: int, kind: str, rest: str, extra: list[str], lang: str | None = None
) -> StreamInfo:
    kind = kind.lower()
    codec = rest.split(None, 1)[0].rstrip(",") if rest.strip() else "unknown"
    width = height = 0
    sar = Fraction(1)
    avg_fps = r_fps = None
    colour: dict[str, str | None] = {}
    if kind == "video":
        colour = _banner_colour(_pixel_details(rest))
        if size := _SIZE_RE.search(rest):
            width, height = int(size["w"]), int(size["h"])
        if (m := _SAR_RE.search(rest)) and int(m["n"]) > 0 and int(m["d"]) > 0:
            sar = Fraction(int(m["n"]), int(m["d"]))
        if m := _FPS_RE.search(rest):
            avg_fps = banner_rate(m["v"], m["k"])
        if m := _TBR_RE.search(rest):
            r_fps = banner_rate(m["v"], m["k"])
    rotation = 0
    for line in extra:
        if m := _ROT_RE.search(line):
            rotation = clockwise_rotation(float(m["deg"]))
        elif (m := _ROTATE_TAG_RE.match(line)) and not rotation:
            rotation = int(m["deg"]) % 360 // 90 * 90
    return StreamInfo(
        index=idx,
        kind=kind,
        codec=codec,
        width=width,
        height=height,
        sar=sar,
        avg_fps=avg_fps,
        r_fps=r_fps,
        rotation=rotation,
        attached_pic="(attached pic)" in rest,
        language=_language(lang),
        default=bool(re.search(r"\(default\)", rest)),
        **colour,
    )


def parse_ffmpeg_banner(stderr: str) -> ContainerInfo | None:
    """Parse the ``Input #0`` section that ``ffmpeg -hide_banner -i file`` prints to stderr.

    Returns None when there is no such section (the input could not be opened).
    """
    match = _INPUT_RE.search(stderr)
    if not match:
        return None
    section = stderr[match.start() :]
    # Only the first input matters; anything after belongs to outputs or later inputs.
    end = re.search(r"^(?:Input #1|Output #|Stream mapping:|At least one output)", section, re.M)
    if end:
        section = section[: end.start()]
    duration = start = None
    bit_rate = None
    if dm := _DURATION_RE.search(section):
        if dm["h"] is not None:
            duration = int(dm["h"]) * 3600 + int(dm["m"]) * 60 + float(dm["s"])
        start = _float(dm["start"])
        bit_rate = int(dm["br"]) * 1000 if dm["br"] else None
    streams: list[StreamInfo] = []
    current: tuple[int, str, str, str | None] | None = None
    extra: list[str] = []
    for line in section.splitlines():
        sm = _STREAM_RE.match(line)
        if sm:
            if current:
                streams.append(_banner_stream(*current[:3], extra, current[3]))
            current, extra = (int(sm["idx"]), sm["kind"], sm["rest"], sm["lang"]), []
        elif current:
            extra.append(line)
    if current:
        streams.append(_banner_stream(*current[:3], extra, current[3]))
    return ContainerInfo(
        format_name=match["fmt"],
        duration=duration,
        start_time=start or 0.0,
        bit_rate=bit_rate,
        streams=tuple(streams),
        chapters=tuple(from_banner(re.split(r"^\s*Stream #", section, maxsplit=1, flags=re.M)[0])),
    )


def parse_framecrc_end(head: str, tail: str) -> float | None:
    """Latest packet end time (seconds) in a framecrc listing, from its header and its tail.

    The listing of a long single-GOP file can be large, so callers pass only its first and
    last few kilobytes. Presentation order differs from decode order with B-frames, hence max.
    """
    tb = re.search(r"^#tb 0: (\d+)/(\d+)", head, re.M)
    if not tb:
        return None
    timebase = Fraction(int(tb[1]), int(tb[2]))
    best: int | None = None
    for line in tail.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) < 6 or not parts[0].isdigit():
            continue
        pts, dur = _int(parts[2]), _int(parts[3])
        if pts is None or dur is None:
            continue
        best = pts + dur if best is None else max(best, pts + dur)
    return None if best is None else float(best * timebase)
