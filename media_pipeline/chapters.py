"""Chapters: a list of (start, title) read from a source's chapter markers or from the
``00:00 Title`` lines of a description. Pure text in, data out.

Both sources are untrusted: titles are cleaned (control and bidi-override characters removed,
whitespace collapsed, length capped) and the list is capped, sorted and bounded by the video's
duration. Titles stay plain text; whoever renders them escapes them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

MAX_CHAPTERS = 100
MAX_TITLE_CHARS = 100
# A description's list counts as chapters like YouTube's: first at 0:00, ascending, 3 or more.
MIN_DESCRIPTION_CHAPTERS = 3

# "1:02:03", "02:03", "2:03"; minutes and seconds below 60 where a larger unit precedes them.
_STAMP = r"(?:(?P<h>\d{1,2}):(?P<hm>[0-5]\d)|(?P<m>\d{1,3})):(?P<s>[0-5]\d)"
TIMESTAMP_RE = re.compile(rf"^{_STAMP}$")
# A chapter line: optional bullet/bracket, the time, an optional separator, the title.
_LINE_RE = re.compile(
    rf"^\s*(?:[-*•]\s*)?[(\[]?(?P<stamp>{_STAMP})[)\]]?(?:\s*[-–—:|]\s*|\s+)(?P<title>\S.*)$"
)
# Where a description line starts with a timestamp (for seek links); same shape as above.
LINE_STAMP_RE = re.compile(rf"^(?P<lead>\s*(?:[-*•]\s*)?[(\[]?)(?P<stamp>{_STAMP})(?![\d:])")
_BANNER_CHAPTER_RE = re.compile(
    r"^\s*Chapter #\d+:\d+: start (?P<start>-?\d+(?:\.\d+)?), end (?P<end>-?\d+(?:\.\d+)?)"
)
_BANNER_TITLE_RE = re.compile(r"^\s+title\s*:\s?(?P<title>.*)$")
# Bidi overrides/isolates and zero-width marks could reorder or hide text around a title.
_INVISIBLE = set(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)


@dataclass(frozen=True)
class Chapter:
    start: float
    title: str

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start, "title": self.title}


def clean_title(text: str) -> str:
    """One line of printable text, at most MAX_TITLE_CHARS characters."""
    kept = []
    for char in str(text):
        if char in _INVISIBLE:
            continue
        category = unicodedata.category(char)
        kept.append(" " if category[0] in {"C", "Z"} else char)
    title = " ".join("".join(kept).split())
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    return title


def stamp_seconds(match: re.Match[str]) -> int:
    """Seconds of a match of _STAMP's groups."""
    if match["h"] is not None:
        return int(match["h"]) * 3600 + int(match["hm"]) * 60 + int(match["s"])
    return int(match["m"]) * 60 + int(match["s"])


def parse_timestamp(text: str) -> int | None:
    """ "1:02:03" -> 3723, "2:03" -> 123; None for anything else."""
    match = TIMESTAMP_RE.match(text.strip())
    return stamp_seconds(match) if match else None


def normalise(chapters: list[Chapter], duration: float | None) -> list[Chapter]:
    """Sorted, one per start time, inside the video, capped; fewer than 2 is no chapter list."""
    seen: set[float] = set()
    kept = []
    for chapter in sorted(chapters, key=lambda c: c.start):
        start = round(chapter.start, 3)
        if start < 0 or start in seen or (duration and start >= duration):
            continue
        seen.add(start)
        title = clean_title(chapter.title) or f"Chapter {len(kept) + 1}"
        kept.append(Chapter(start=start, title=title))
    kept = kept[:MAX_CHAPTERS]
    return kept if len(kept) >= 2 else []


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def from_ffprobe(raw: Any) -> list[Chapter]:
    """``ffprobe -show_chapters -print_format json``'s ``chapters`` list -> chapters (unsorted)."""
    found = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        start = _float(item.get("start_time"))
        if start is None:
            continue
        tags = item.get("tags") if isinstance(item.get("tags"), dict) else {}
        found.append(Chapter(start=start, title=str(tags.get("title") or "")))
        if len(found) > MAX_CHAPTERS * 4:
            break
    return found


def from_banner(section: str) -> list[Chapter]:
    """The ``Chapters:`` block of ffmpeg's input banner -> chapters (unsorted)."""
    found: list[Chapter] = []
    for line in section.splitlines():
        if m := _BANNER_CHAPTER_RE.match(line):
            found.append(Chapter(start=float(m["start"]), title=""))
        elif found and not found[-1].title and (m := _BANNER_TITLE_RE.match(line)):
            found[-1] = Chapter(start=found[-1].start, title=m["title"])
        if len(found) > MAX_CHAPTERS * 4:
            break
    return found


def from_description(text: str, duration: float | None = None) -> list[Chapter]:
    """The description's chapter list, or [] when it has no valid one.

    Valid: at least MIN_DESCRIPTION_CHAPTERS lines of ``0:00 Title``, the first at 0:00, each
    start after the one before and inside the video. Other lines around them are ignored.
    """
    found = []
    for line in (text or "").splitlines():
        match = _LINE_RE.match(line)
        if match:
            found.append(Chapter(start=float(stamp_seconds(match)), title=match["title"]))
    if len(found) < MIN_DESCRIPTION_CHAPTERS or found[0].start != 0:
        return []
    if any(later.start <= earlier.start for earlier, later in zip(found, found[1:], strict=False)):
        return []
    if duration and found[-1].start >= duration:
        return []
    return normalise(found, duration)
