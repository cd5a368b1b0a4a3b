"""Start times in share links: `?t=90`, `?t=1m30s`, `?t=1h2m3s` (YouTube's forms)."""

from __future__ import annotations

import re

_PLAIN = re.compile(r"^\d{1,6}(?:\.\d{1,3})?s?$")
_UNITS = re.compile(r"^(?:(\d{1,3})h)?(?:(\d{1,4})m)?(?:(\d{1,6})s)?$")


def parse_start_time(raw: str | None, *, duration: float | None = None) -> float | None:
    """Seconds to start at, or None when `raw` is missing, malformed, zero or past the end
    (a link must never start a video on its last frame or fail to play)."""
    value = (raw or "").strip().lower()
    if not value:
        return None
    if _PLAIN.match(value):
        seconds = float(value.rstrip("s"))
    else:
        match = _UNITS.match(value)
        if not match or not any(match.groups()):
            return None
        hours, minutes, secs = (int(part or 0) for part in match.groups())
        seconds = float(hours * 3600 + minutes * 60 + secs)
    if seconds <= 0:
        return None
    if duration and seconds >= duration:
        return None
    return seconds
