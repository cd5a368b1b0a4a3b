"""Writes of the studio: the owner's thumbnail, and changes to many videos at once."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from apps.users.models import User
from apps.videos import services
from apps.videos.models import Video, Visibility
from apps.videos.pipeline import layout, storage
from apps.videos.selectors import video_can_manage
from apps.videos.studio.selectors import videos_managed_by
from media_pipeline.images import ImageRejected, reencode_image

logger = logging.getLogger(__name__)

# The grid's card (320 and 640 for dense screens) and the player (1280).
THUMBNAIL_WIDTHS = (320, 640, 1280)
THUMBNAIL_ASPECT = (16, 9)


def _require_manager(video: Video, user: User) -> None:
    if not video_can_manage(video=video, user=user):
        raise PermissionDenied("Only the owner or staff may change this video.")


def _delete_thumbnail_files(sizes: dict[str, str]) -> None:
    # Each upload has a folder of its own (its token): drop the folder, whatever it holds.
    for folder in {name.rsplit("/", 1)[0] + "/" for name in sizes.values()}:
        storage.delete_prefix(folder)


def video_thumbnail_set(*, video: Video, by: User, data: bytes) -> Video:
    """Re-encode an uploaded picture (media_pipeline.images) and make it the video's thumbnail
    in the grid and the player's poster; the previous custom one is removed."""
    _require_manager(video, by)
    try:
        pictures = reencode_image(data, widths=THUMBNAIL_WIDTHS, aspect=THUMBNAIL_ASPECT)
    except ImageRejected as refused:
        raise ValidationError({"file": str(refused)}) from refused
    token = secrets.token_urlsafe(9)
    stored = {
        str(width): storage.upload_bytes(
            picture.data,
            layout.custom_thumbnail_name(video.id, token, width, picture.extension),
        )
        for width, picture in pictures.items()
    }
    try:
        with transaction.atomic():
            locked = Video.objects.select_for_update().filter(pk=video.pk).first()
            if locked is None:
                raise ValidationError("This video has been deleted.")
            previous = locked.custom_thumbnails or {}
            locked.custom_thumbnails = stored
            locked.save(update_fields=["custom_thumbnails", "updated_at"])
            if previous:
                transaction.on_commit(lambda: _delete_thumbnail_files(previous))
    except (DatabaseError, ValidationError):
        _delete_thumbnail_files(stored)
        raise
    logger.info("custom thumbnail set", extra={"video": video.id, "sizes": sorted(stored)})
    video.custom_thumbnails = stored
    return video


def video_thumbnail_clear(*, video: Video, by: User) -> Video:
    """Back to the automatic poster."""
    _require_manager(video, by)
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        previous = locked.custom_thumbnails or {}
        if previous:
            locked.custom_thumbnails = {}
            locked.save(update_fields=["custom_thumbnails", "updated_at"])
            transaction.on_commit(lambda: _delete_thumbnail_files(previous))
    video.custom_thumbnails = {}
    return video


def videos_set_visibility(*, ids: Iterable[str], visibility: str, by: User) -> int:
    """Set the visibility of each of these videos the user may manage; the others are left
    alone (never revealed). The number changed."""
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": f"Choose one of: {', '.join(Visibility.values)}."})
    changed = 0
    with transaction.atomic():
        for video in videos_managed_by(ids=ids, user=by):
            if video.visibility != visibility:
                services.video_update(video=video, by=by, visibility=visibility)
                changed += 1
    return changed


def videos_delete(*, ids: Iterable[str], by: User) -> int:
    """Delete each of these videos the user may manage, with all their files."""
    videos = videos_managed_by(ids=ids, user=by)
    with transaction.atomic():
        for video in videos:
            services.video_delete(video=video, by=by)
    return len(videos)
