"""The default speech recognizer: faster-whisper, when installed (optional, not in
requirements.txt). Imported only by a job that runs it; `selectors.recognizer_missing` says
whether it can."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from media_pipeline.captions import Cue


def recognize(wav: Path) -> tuple[str, list[Cue]]:
    """(detected BCP 47 language, cues) of a 16 kHz mono WAV file."""
    from faster_whisper import WhisperModel  # optional dependency: absent means "not installed"

    model = WhisperModel(settings.CAPTIONS_WHISPER_MODEL, device="cpu", compute_type="int8")
    segments, info = model.transcribe(str(wav), vad_filter=True)
    cues = [
        Cue(start=float(s.start), end=float(s.end), text=s.text.strip())
        for s in segments
        if s.text.strip() and s.end > s.start
    ]
    return info.language, cues
