"""Caption files: WebVTT or SRT bytes in, one clean WebVTT text out. Pure: no Django, no I/O.

Everything a client sends is rebuilt, never passed through: cues are re-rendered from their
parsed times and settings, STYLE/REGION/NOTE blocks are dropped, and cue text keeps only the
WebVTT markup subset (<b> <i> <u> <v> <c> <lang> <ruby> <rt> and timestamps); any other tag
(<script>, <img onerror=…>, SRT's <font>) is removed, and every other `<`, `>` or `&` is
escaped, so no cue can become markup wherever it is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .arguments import STRIP_METADATA, abs_path
from .commands import untrusted_input

__all__ = [
    "CaptionError",
    "Cue",
    "parse_caption_file",
    "render_webvtt",
    "sanitize_cue_text",
    "speech_audio_args",
]


class CaptionError(ValueError):
    """A file we refuse; ``line`` (1-based) names the wrong line when there is one."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"Line {line}: {message}" if line else message)


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    settings: str = ""


_VTT_TIME = r"(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)[.](\d{3})"
_SRT_TIME = r"(\d{1,3}):([0-5]?\d):([0-5]?\d)[,.](\d{1,3})"
_VTT_TIMING = re.compile(rf"^{_VTT_TIME}[ \t]+-->[ \t]+{_VTT_TIME}(?:[ \t]+(.*))?$")
_SRT_TIMING = re.compile(rf"^{_SRT_TIME}[ \t]*-->[ \t]*{_SRT_TIME}(?:[ \t]+.*)?$")
_SETTING = re.compile(
    r"^(?:vertical:(?:rl|lr)|line:-?\d+(?:\.\d+)?%?(?:,(?:start|center|end))?"
    r"|position:\d+(?:\.\d+)?%(?:,(?:line-left|center|line-right))?|size:\d+(?:\.\d+)?%"
    r"|align:(?:start|center|end|left|right))$"
)
# Something that looks like a tag (`< 2 >` does not: it stays text, escaped).
_TAG = re.compile(r"</?[A-Za-z0-9][^<>]*>")
# A WebVTT tag: name, classes, annotation (a voice's name, a language). Only the subset's names
# survive, rebuilt from their parts: attributes of any other kind are dropped.
_VTT_TAG = re.compile(
    r"^<(?P<close>/?)(?P<name>[A-Za-z]+)(?P<classes>(?:\.[A-Za-z0-9_-]+)*)"
    r"(?:[ \t]+(?P<annotation>[^<>]*))?>$"
)
_VTT_NAMES = frozenset({"b", "i", "u", "c", "v", "lang", "ruby", "rt"})
_TIMESTAMP_TAG = re.compile(r"^<(?:\d{1,3}:)?[0-5]\d:[0-5]\d\.\d{3}>$")
_SAFE_ANNOTATION = re.compile(r"^[^<>&\"'=]{1,100}$")
_DROP_WITH_CONTENT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_ENTITY = re.compile(r"&(?:amp|lt|gt|lrm|rlm|nbsp|#\d{1,7}|#x[0-9A-Fa-f]{1,6});")
_ASS_OVERRIDE = re.compile(r"\{\\[^{}]*\}")  # SRT files made from ASS carry {\an8} and such
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode(data: bytes, *, max_bytes: int) -> str:
    """UTF-8 text (a byte-order mark is dropped); binary or oversized files are refused."""
    if len(data) > max_bytes:
        raise CaptionError(f"The file is larger than {max_bytes // 1024} KB.")
    if not data.strip():
        raise CaptionError("The file is empty.")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise CaptionError("binary data (a NUL byte): not a text caption file.", line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CaptionError("not UTF-8 text: save the captions as UTF-8.", line) from None
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise CaptionError("binary data (a control character).", line)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _seconds(hours: str | None, minutes: str, secs: str, frac: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs) + int(frac.ljust(3, "0")) / 1000


def sanitize_cue_text(text: str) -> str:
    """Cue text reduced to the WebVTT markup subset; everything else is text, escaped."""
    text = _DROP_WITH_CONTENT.sub("", text)
    text = _ASS_OVERRIDE.sub("", text)
    out: list[str] = []
    pos = 0
    for match in _TAG.finditer(text):
        out.append(_escape(text[pos : match.start()]))
        out.append(_clean_tag(match.group(0)))
        pos = match.end()
    out.append(_escape(text[pos:]))
    lines = [line.strip() for line in "".join(out).split("\n")]
    # "-->" would end a cue's text early in a parser; a blank line would end the cue.
    return "\n".join(line.replace("-->", "--&gt;") for line in lines if line)


def _clean_tag(tag: str) -> str:
    if _TIMESTAMP_TAG.match(tag):
        return tag
    parts = _VTT_TAG.match(tag)
    if parts is None or parts["name"] not in _VTT_NAMES:
        return ""
    if parts["close"]:
        return f"</{parts['name']}>"
    annotation = (parts["annotation"] or "").strip()
    keep = parts["name"] in ("v", "lang") and _SAFE_ANNOTATION.match(annotation)
    return f"<{parts['name']}{parts['classes']}{' ' + annotation if keep else ''}>"


def _escape(text: str) -> str:
    pieces = []
    pos = 0
    for match in _ENTITY.finditer(text):
        pieces.append(text[pos : match.start()].replace("&", "&amp;"))
        pieces.append(match.group(0))
        pos = match.end()
    pieces.append(text[pos:].replace("&", "&amp;"))
    return "".join(pieces).replace("<", "&lt;").replace(">", "&gt;")


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks, each with the number of its first line."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    first = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                first = number
            current.append(line)
        elif current:
            blocks.append((first, current))
            current = []
    if current:
        blocks.append((first, current))
    return blocks


def _cue(start: float, end: float, text: str, settings: str, line: int) -> Cue:
    if end <= start:
        raise CaptionError("the cue ends before it starts.", line)
    clean = sanitize_cue_text(text)
    return Cue(start=start, end=end, text=clean, settings=settings)


def _parse_vtt(text: str, max_cues: int) -> list[Cue]:
    header = text.split("\n", 1)[0]
    if not re.match(r"^WEBVTT(?:[ \t].*)?$", header):
        raise CaptionError('a WebVTT file starts with "WEBVTT".', 1)
    cues: list[Cue] = []
    for first, lines in _blocks(text)[1:] if text.strip() else []:
        if re.match(r"^(?:NOTE|STYLE|REGION)(?:[ \t]|$)", lines[0]):
            continue
        # An identifier line may come first; without a timing after it, the first line is wrong.
        timing_at = 1 if len(lines) > 1 and "-->" not in lines[0] and "-->" in lines[1] else 0
        match = _VTT_TIMING.match(lines[timing_at].strip())
        if match is None:
            raise CaptionError(
                "expected a cue timing like 00:00:01.000 --> 00:00:04.000.", first + timing_at
            )
        g = match.groups()
        settings = " ".join(s for s in (g[8] or "").split() if _SETTING.match(s))
        cues.append(
            _cue(
                _seconds(*g[0:4]),
                _seconds(*g[4:8]),
                "\n".join(lines[timing_at + 1 :]),
                settings,
                first + timing_at,
            )  # fmt: skip
        )
        if len(cues) > max_cues:
            raise CaptionError(f"more than {max_cues} cues.", first)
    return cues


def _parse_srt(text: str, max_cues: int) -> list[Cue]:
    cues: list[Cue] = []
    for first, lines in _blocks(text):
        timing_at = 1 if lines[0].strip().isdigit() else 0
        if timing_at >= len(lines):
            raise CaptionError("a cue number without a timing line.", first)
        match = _SRT_TIMING.match(lines[timing_at].strip())
        if match is None:
            raise CaptionError(
                "expected a cue timing like 00:00:01,000 --> 00:00:04,000.", first + timing_at
            )
        g = match.groups()
        cues.append(
            _cue(
                _seconds(*g[0:4]),
                _seconds(*g[4:8]),
                "\n".join(lines[timing_at + 1 :]),
                "",
                first + timing_at,
            )  # fmt: skip
        )
        if len(cues) > max_cues:
            raise CaptionError(f"more than {max_cues} cues.", first)
    return cues


def parse_caption_file(data: bytes, *, max_bytes: int, max_cues: int) -> list[Cue]:
    """The cues of a WebVTT or SRT file (told apart by content, never by name), sanitised."""
    text = decode(data, max_bytes=max_bytes)
    body = text.lstrip("\n")
    offset = text.count("\n", 0, len(text) - len(body))
    try:
        if body.startswith("WEBVTT"):
            cues = _parse_vtt(body, max_cues)
        else:
            cues = _parse_srt(body, max_cues)
    except CaptionError as exc:
        if exc.line is None:
            raise
        raise CaptionError(str(exc).split(": ", 1)[1], exc.line + offset) from None
    cues = [cue for cue in cues if cue.text]
    if not cues:
        raise CaptionError("The file has no cues with text.")
    return sorted(cues, key=lambda c: (c.start, c.end))


def _time(seconds: float) -> str:
    millis = int(round(seconds * 1000))
    hours, rem = divmod(millis, 3_600_000)
    minutes, rem = divmod(rem, 60_000)
    secs, millis = divmod(rem, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def render_webvtt(cues: list[Cue], *, timestamp_map: str | None = None) -> str:
    """A WebVTT file of these cues. ``timestamp_map`` (HLS's X-TIMESTAMP-MAP value) goes in the
    header when the segments' media timeline does not start at zero."""
    out = ["WEBVTT"]
    if timestamp_map:
        out.append(f"X-TIMESTAMP-MAP={timestamp_map}")
    out.append("")
    for cue in cues:
        timing = f"{_time(cue.start)} --> {_time(cue.end)}"
        out += [f"{timing} {cue.settings}".rstrip(), cue.text, ""]
    return "\n".join(out)


def speech_audio_args(*, ffmpeg: str, source: Path, out: Path, demuxer: str) -> list[str]:
    """ffmpeg: an upload's first audio stream as 16 kHz mono WAV, what speech models take."""
    return [
        ffmpeg,
        *untrusted_input(demuxer),
        "-i", abs_path(str(source)),
        "-map", "0:a:0", "-vn", "-sn", "-dn", *STRIP_METADATA,
        "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", "-f", "wav", "-y", abs_path(str(out)),
    ]  # fmt: skip
