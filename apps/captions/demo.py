"""`seed_demo`'s captions: English and French captions on the demo creator's sample videos, so
the player's caption menu has something to show. Idempotent: a video with captions is skipped."""

from __future__ import annotations

import io

from apps.captions import services
from apps.captions.models import Caption
from apps.users.models import User
from apps.videos.models import Video

LINES = {
    "en": (
        "English",
        [
            "This is a sample video.",
            "Captions come from a WebVTT file.",
            "Choose them in the CC menu.",
        ],
    ),
    "fr": (
        "Français",
        [
            "Ceci est une vidéo d'exemple.",
            "Les sous-titres viennent d'un fichier.",
            "Choisissez-les dans le menu CC.",
        ],
    ),
}


def _vtt(lines: list[str]) -> bytes:
    cues = [
        f"00:{3 * i:02d}.000 --> 00:{3 * i + 3:02d}.000\n{text}" for i, text in enumerate(lines)
    ]
    return ("WEBVTT\n\n" + "\n\n".join(cues) + "\n").encode()


def seed(*, stdout) -> None:
    owner = User.objects.filter(username="creator").first()
    if owner is None:
        return
    captioned = Caption.objects.values_list("video_id", flat=True)
    for video in Video.objects.filter(owner=owner).exclude(pk__in=captioned):
        for language, (label, lines) in LINES.items():
            services.caption_upload(
                video=video, by=owner, file=io.BytesIO(_vtt(lines)), language=language, label=label
            )
        stdout.write(f"sample captions added to {video.id}")
