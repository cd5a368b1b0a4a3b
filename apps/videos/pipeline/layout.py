"""Where a video's files live in storage: every stored name is built here.

videos/<id>/source/original         the upload, never under the client's name
videos/<id>/source/remuxed          MPEG-TS/PS copied into Matroska, when needed
videos/<id>/thumbs/<token>/<w>.webp  the owner's custom thumbnail (a new token per upload)
videos/<id>/g<generation>/          one processing run's outputs (reprocess starts a new one)
    work/<rung>/chunk_00000.mp4     encoded chunks, removed once the video is complete
    v/<rung>/  a/  img/             rung and audio segments and playlists, pictures
    a/<language>/                   an alternate audio language's segments and playlist
    master.m3u8  manifest.mpd       the HLS master playlist and the DASH manifest
videos/<id>/cc/                     captions (apps.captions), kept across generations:
    <language>-<token>.vtt/.m3u8    a new token on every upload, so each name never changes
"""

from __future__ import annotations

import re

ROOT = "videos"
MASTER_PLAYLIST = "master.m3u8"
DASH_MANIFEST = "manifest.mpd"
WORK = "work/"
CUSTOM_THUMBNAILS = "thumbs"
CAPTIONS = "cc"
# A generation's folder name under videos/<id>/.
GENERATION_DIR = re.compile(r"^g(\d+)$")


def video_prefix(video_id: str) -> str:
    return f"{ROOT}/{video_id}/"


def generation_prefix(video_id: str, generation: int) -> str:
    return f"{video_prefix(video_id)}g{generation}/"


def original_name(storage_prefix: str) -> str:
    return f"{storage_prefix}source/original"


def remuxed_name(storage_prefix: str) -> str:
    return f"{storage_prefix}source/remuxed"


def custom_thumbnail_name(video_id: str, token: str, width: int, extension: str) -> str:
    # A new token per upload: the URL changes with the picture, so it may be cached for good.
    return f"{video_prefix(video_id)}{CUSTOM_THUMBNAILS}/{token}/{width}.{extension}"


def work_prefix(output_prefix: str) -> str:
    return f"{output_prefix}{WORK}"


def chunk_name(output_prefix: str, rung: str, index: int) -> str:
    return f"{work_prefix(output_prefix)}{rung}/chunk_{index:05d}.mp4"


def rung_prefix(output_prefix: str, rung: str) -> str:
    return f"{output_prefix}v/{rung}/"


def audio_prefix(output_prefix: str, alternate: str | None = None) -> str:
    """The default audio track's folder; an alternate language's one inside it (a/eng/)."""
    return f"{output_prefix}a/{alternate}/" if alternate else f"{output_prefix}a/"


def images_prefix(output_prefix: str) -> str:
    return f"{output_prefix}img/"


def captions_prefix(video_id: str) -> str:
    return f"{video_prefix(video_id)}{CAPTIONS}/"


def caption_names(video_id: str, language: str, token: str) -> tuple[str, str]:
    """(WebVTT file, its HLS subtitles playlist) of one upload of a caption."""
    stem = f"{captions_prefix(video_id)}{language}-{token}"
    return f"{stem}.vtt", f"{stem}.m3u8"


def is_top_manifest(name: str) -> bool:
    """The master playlist and the DASH manifest change while higher rungs are added."""
    return name.endswith(f"/{MASTER_PLAYLIST}") or name.endswith(f"/{DASH_MANIFEST}")
