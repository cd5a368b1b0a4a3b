"""Writes: upload, replace and delete captions, store automatic ones. Each change rewrites the
video's stored manifests once committed (apps.videos.pipeline.publishing.republish)."""

from __future__ import annotations

import logging
import re
import secrets
import unicodedata
from collections.abc import Mapping
from typing import IO

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from apps.captions import jobs
from apps.captions.models import Caption, CaptionSource
from apps.captions.selectors import automatic_captions_enabled
from apps.users.models import User
from apps.videos.models import Video
from apps.videos.pipeline import layout, publishing, storage
from apps.videos.selectors import video_can_manage
from media_pipeline.captions import CaptionError, Cue, parse_caption_file, render_webvtt
from media_pipeline.subtitles import subtitle_playlist

logger = logging.getLogger(__name__)

# Well-formed BCP 47 (RFC 5646): language, script, region, variants, extensions, private use.
# Primary subtags of 5-8 letters are reserved and unused: "english" is refused, not a language.
_BCP47 = re.compile(
    r"^(?:(?P<lang>[a-z]{2,3}(?:-[a-z]{3}){0,3})(?:-(?P<script>[a-z]{4}))?"
    r"(?:-(?P<region>[a-z]{2}|\d{3}))?(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*"
    r"(?:-[a-wyz\d](?:-[a-z\d]{2,8})+)*(?:-x(?:-[a-z\d]{1,8})+)?|x(?:-[a-z\d]{1,8})+)$",
    re.IGNORECASE,
)


def language_normalize(tag: str) -> str:
    """A BCP 47 tag in its usual case (pt-BR, zh-Hant-TW); ValidationError when malformed."""
    tag = (tag or "").strip().replace("_", "-")
    if len(tag) > 35 or not _BCP47.match(tag):
        raise ValidationError(f"{tag[:40]!r} is not a BCP 47 language tag (e.g. en, pt-BR).")
    parts = tag.lower().split("-")
    out = [parts[0]]
    for part in parts[1:]:
        if any(len(p) == 1 for p in out):
            out.append(part)  # inside an extension or private use: as written, lower case
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())  # region
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())  # script
        else:
            out.append(part)
    return "-".join(out)


def language_label(tag: str) -> str:
    """A default label: the language's own name when Django knows it (Deutsch, Français)."""
    info = LANG_INFO.get(tag.lower()) or LANG_INFO.get(tag.split("-")[0].lower()) or {}
    name = info.get("name_local") or info.get("name") or tag
    return name[:1].upper() + name[1:] if info else tag


def label_clean(label: str) -> str:
    """One line of printable text without double quotes (the manifests quote it)."""
    printable = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in label or "")
    return " ".join(printable.replace('"', "'").split())[:80]


def _read_limited(upload: IO[bytes]) -> bytes:
    limit = settings.CAPTION_MAX_KB * 1024
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(f"The caption file is larger than {settings.CAPTION_MAX_KB} KB.")
    return data


def _store(video: Video, language: str, cues: list[Cue]) -> tuple[str, str]:
    """Write the WebVTT file and its subtitles playlist under new names; return them."""
    vtt_name, playlist_name = layout.caption_names(video.id, language, secrets.token_hex(6))
    # The playlist's one segment covers the whole title, so a player seeking anywhere finds it
    # (before the probe has measured the title, the longest one allowed covers it too).
    title = video.duration or float(settings.MAX_DURATION_S)
    duration = max(title, max(c.end for c in cues))
    storage.upload_text(render_webvtt(cues), vtt_name)
    storage.upload_text(subtitle_playlist(vtt_name.rsplit("/", 1)[1], duration), playlist_name)
    return vtt_name, playlist_name


def _delete_files(*names: str) -> None:
    for name in names:
        if name:
            storage.default_storage.delete(name)


def _save_caption(
    *, video: Video, language: str, label: str, source: str, cues: list[Cue], by: User | None,
    replace_manual: bool,
) -> Caption | None:  # fmt: skip
    vtt_name, playlist_name = _store(video, language, cues)
    try:
        with transaction.atomic():
            # The video's row lock orders concurrent uploads to it (and the count check).
            Video.objects.select_for_update().only("pk").get(pk=video.pk)
            caption = Caption.objects.filter(video=video, language=language).first()
            if caption is None:
                if Caption.objects.filter(video=video).count() >= settings.CAPTION_MAX_PER_VIDEO:
                    raise ValidationError(
                        f"A video has at most {settings.CAPTION_MAX_PER_VIDEO} caption languages."
                    )
                caption = Caption(video=video, language=language)
                old: tuple[str, str] = ("", "")
            elif caption.source == CaptionSource.MANUAL and not replace_manual:
                # Speech recognition never overwrites what a person wrote.
                _delete_files(vtt_name, playlist_name)
                return None
            else:
                old = (caption.vtt, caption.playlist)
            caption.label = label
            caption.source = source
            caption.vtt, caption.playlist = vtt_name, playlist_name
            caption.cue_count = len(cues)
            caption.created_by = by
            caption.save()
            # robust: the caption is saved whatever happens to the manifests (logged if so).
            transaction.on_commit(lambda: publishing.republish(video.pk), robust=True)
            transaction.on_commit(lambda: _delete_files(*old), robust=True)
    except BaseException:
        _delete_files(vtt_name, playlist_name)
        raise
    return caption


def caption_upload(
    *, video: Video, by: User, file: IO[bytes] | None, language: str, label: str = ""
) -> Caption:
    """Store a WebVTT or SRT file as the video's captions in ``language`` (replacing any there
    were), cleaned up and converted to WebVTT. ValidationError names the line that is wrong."""
    if not video_can_manage(video=video, user=by):
        raise PermissionDenied("Only the owner or staff may change this video's captions.")
    if file is None:
        raise ValidationError("file: a WebVTT or SRT file is required.")
    language = language_normalize(language)
    label = label_clean(label) or language_label(language)
    try:
        cues = parse_caption_file(
            _read_limited(file),
            max_bytes=settings.CAPTION_MAX_KB * 1024,
            max_cues=settings.CAPTION_MAX_CUES,
        )
    except CaptionError as exc:
        raise ValidationError(str(exc)) from None
    caption = _save_caption(
        video=video, language=language, label=label, source=CaptionSource.MANUAL, cues=cues,
        by=by, replace_manual=True,
    )  # fmt: skip
    assert caption is not None
    return caption


def caption_delete(*, caption: Caption, by: User) -> None:
    if not video_can_manage(video=caption.video, user=by):
        raise PermissionDenied("Only the owner or staff may change this video's captions.")
    with transaction.atomic():
        Video.objects.select_for_update().only("pk").get(pk=caption.video_id)
        deleted, _ = Caption.objects.filter(pk=caption.pk).delete()
        if deleted:
            names = (caption.vtt, caption.playlist)
            video_id = caption.video_id
            transaction.on_commit(lambda: publishing.republish(video_id), robust=True)
            transaction.on_commit(lambda: _delete_files(*names), robust=True)


def caption_store_automatic(*, video: Video, language: str, cues: list[Cue]) -> Caption | None:
    """Store what speech recognition heard, unless a person's captions of that language exist."""
    if not cues:
        return None
    try:
        language = language_normalize(language)
    except ValidationError:
        language = "und"
    label = language_label(language)
    return _save_caption(
        video=video, language=language, label=label, source=CaptionSource.AUTOMATIC,
        cues=cues, by=None, replace_manual=False,
    )  # fmt: skip


def captions_on_upload(video: Video, extra: Mapping[str, str]) -> None:
    """apps.videos' CREATED_HOOKS: automatic captions for a new upload, when staff turned them
    on and a recognizer is installed (otherwise no job is ever sent)."""
    if automatic_captions_enabled():
        jobs.send_transcribe(video.pk)
