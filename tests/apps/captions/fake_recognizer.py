"""A recognizer for tests (settings.CAPTIONS_RECOGNIZER): checks the audio it is given is what
speech models take, and "hears" fixed text with markup in it."""

from __future__ import annotations

import wave
from pathlib import Path

from media_pipeline.captions import Cue

HEARD: list[dict] = []


def recognize(wav: Path) -> tuple[str, list[Cue]]:
    with wave.open(str(wav), "rb") as audio:
        HEARD.append(
            {
                "rate": audio.getframerate(),
                "channels": audio.getnchannels(),
                "seconds": audio.getnframes() / audio.getframerate(),
            }
        )
    return "en", [
        Cue(start=0.2, end=1.5, text="Hello <script>alert(1)</script>world"),
        Cue(start=1.5, end=3.0, text="<img src=x onerror=alert(2)>"),
    ]
