"""Writes to videos: creation, edits, status transitions, deletion, reprocessing."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Mapping
from functools import partial
from typing import IO

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from apps.users.models import User
from apps.users.selectors import user_is_creator
from apps.videos import search, selectors
from apps.videos.delivery import events
from apps.videos.models import (
    ModerationState,
    PipelineTask,
    Video,
    VideoStatus,
    Visibility,
    new_video_id,
)
from apps.videos.pipeline import bookkeeping, failures, jobs, layout, storage
from apps.videos.selectors import video_can_manage
from apps.videos.uploads.parts import StoredParts
from media_pipeline.sniff import sniff_bytes
from streamsite import page_cache
from streamsite.errors import LimitExceeded

logger = logging.getLogger(__name__)

# Which status may follow which; anything else is a bug or a stale job, and is refused.
TRANSITIONS: dict[str, set[str]] = {
    VideoStatus.UPLOADED: {VideoStatus.PROCESSING, VideoStatus.FAILED},
    VideoStatus.PROCESSING: {VideoStatus.READY, VideoStatus.FAILED, VideoStatus.UPLOADED},
    VideoStatus.READY: {VideoStatus.UPLOADED},
    VideoStatus.FAILED: {VideoStatus.UPLOADED},
    # A live stream's video: its recording arrives when the stream ends (else it is deleted).
    VideoStatus.LIVE: {VideoStatus.UPLOADED},
}


class IllegalTransition(Exception):
    pass


# Other apps extend an upload without videos importing them (apps.cms: the category,
# pre-moderation). FIELD_CHECKS judge the upload's extra fields (tus metadata, API form
# fields) before anything is stored, and tus runs them when the upload is created, so a bad
# field never costs a finished upload; CREATE_HOOKS may set fields on the unsaved video;
# CREATED_HOOKS run after the insert, in its transaction. Each may raise ValidationError.
FIELD_CHECKS: list[Callable[[Mapping[str, str]], None]] = []
CREATE_HOOKS: list[Callable[[Video, Mapping[str, str]], None]] = []
CREATED_HOOKS: list[Callable[[Video, Mapping[str, str]], None]] = []
# Told, once the transaction commits, the id of a video that may just have become watchable by
# everyone (ready, public, visible to moderation): apps.notifications announces it to the
# channel's subscribers. A hook may hear of one video many times and must judge for itself.
PUBLISHED_HOOKS: list[Callable[[str], None]] = []


def video_fields_check(extra: Mapping[str, str]) -> None:
    for check in FIELD_CHECKS:
        check(extra)


def upload_check(*, owner: User, size: int, open_uploads: int = 0, open_bytes: int = 0) -> None:
    """Refuse, before any byte is stored, an upload of `size` bytes that would take the owner
    past DAILY_UPLOADS a day or USER_QUOTA_GB stored (`open_*`: unfinished resumable uploads
    already promised). Staff are not limited."""
    if owner.is_staff:
        return
    cap = settings.DAILY_UPLOADS
    if cap:
        today = selectors.uploads_last_day(owner=owner) + open_uploads
        if today >= cap:
            raise LimitExceeded(
                429, f"You have made {today} uploads in the last 24 hours; the limit is {cap}."
            )
    if settings.USER_QUOTA_GB:
        quota = int(settings.USER_QUOTA_GB * 1024**3)
        used = selectors.stored_bytes(owner=owner) + open_bytes
        if used + size > quota:
            raise LimitExceeded(
                413,
                f"This upload ({size / 1024**2:.1f} MB) would take your storage past its quota "
                f"of {settings.USER_QUOTA_GB:g} GB ({used / 1024**3:.2f} GB used).",
            )


def video_transition(video: Video, to: str) -> None:
    """Set a new status if TRANSITIONS allows it; the caller saves (and holds the row lock)."""
    if to == video.status:
        return
    if to not in TRANSITIONS[video.status]:
        raise IllegalTransition(f"video {video.id}: {video.status} -> {to} is not allowed")
    video.status = to


def video_announce_if_public(video: Video) -> None:
    """Tell PUBLISHED_HOOKS on commit if the video is now ready, public and visible; called
    where one of the three may have changed (first playable rung, visibility, approval)."""
    if (video.status, video.visibility, video.moderation_state) != (
        VideoStatus.READY,
        Visibility.PUBLIC,
        ModerationState.VISIBLE,
    ):
        return
    for hook in PUBLISHED_HOOKS:
        transaction.on_commit(partial(hook, video.id), robust=True)


def video_mark_ready(video: Video) -> list[str]:
    """The first playable rung is there: ready, published (the first time), and the other apps
    told on commit. The caller holds the row lock and saves the returned fields."""
    video_transition(video, VideoStatus.READY)
    video.published_at = video.published_at or timezone.now()
    video_announce_if_public(video)
    return ["status", "published_at"]


def video_create(
    *,
    owner: User,
    title: str,
    upload: IO[bytes] | File | StoredParts,
    filename: str,
    description: str = "",
    visibility: str = Visibility.PUBLIC,
    content_warning: str = "",
    tags: str = "",
    enforce_role: bool = True,
    extra: Mapping[str, str] | None = None,
) -> Video:
    """Store an upload and queue it for processing. The file's content is judged by the probe.

    `enforce_role=False` is for operators' tools (import_video), which may import for anyone.
    """
    if enforce_role and not user_is_creator(owner):
        raise PermissionDenied("Only creators may upload videos. Start a channel first.")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "A title is required."})
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": f"Choose one of: {', '.join(Visibility.values)}."})
    video = Video(
        owner=owner,
        title=title[:200],
        description=description or "",
        visibility=visibility,
        content_warning=(content_warning or "")[:200],
        tags=tags or "",
        original_filename=os.path.basename(filename or "upload")[:255],
    )
    video.full_clean(exclude=["source"])
    video_fields_check(extra or {})
    for hook in CREATE_HOOKS:
        hook(video, extra or {})
    _refuse_obvious_non_video(upload)
    if enforce_role:
        upload_check(owner=owner, size=_size(upload))
    # The stored name never uses the client's file name or extension: nothing downstream may
    # guess the type from it.
    name = layout.original_name(video.storage_prefix)
    if isinstance(upload, StoredParts):
        stored = upload.store_as(name)  # already in storage: joined there, not sent again
    else:
        stored = default_storage.save(name, upload if isinstance(upload, File) else File(upload))
    video.source = stored
    video.source_size = default_storage.size(stored)
    try:
        with transaction.atomic():
            if enforce_role:
                # The owner's row lock makes check and insert one step: two uploads at once
                # cannot both pass the last free place.
                User.objects.select_for_update().filter(pk=owner.pk).first()
                upload_check(owner=owner, size=video.source_size)
            video.save(force_insert=True)
            for hook in CREATED_HOOKS:
                hook(video, extra or {})
            jobs.send_process(video.id, video.generation)
    except (DatabaseError, ValidationError, LimitExceeded):
        default_storage.delete(stored)
        raise
    search.video_reindex(video=video)
    logger.info("video uploaded", extra={"video": video.id, "bytes": video.source_size})
    return video


def video_create_for_live(*, owner: User, title: str, description: str = "") -> Video:
    """The video a live stream becomes, made when the stream is: comments and reactions of the
    broadcast key on it. Status LIVE until `video_attach_recording` gives it its source."""
    video = Video(
        owner=owner,
        title=(title or "").strip()[:200],
        description=description or "",
        status=VideoStatus.LIVE,
        original_filename="recording.mp4",
    )
    video.full_clean(exclude=["source"])
    video.save(force_insert=True)
    return video


def video_attach_recording(*, video_id: str, upload: IO[bytes] | File) -> Video:
    """A live video's recording becomes its upload and is queued like any other (the upload
    hooks, e.g. pre-moderation, run now). Idempotent: a video past LIVE is returned as is."""
    with transaction.atomic():
        video = Video.objects.select_for_update().get(pk=video_id)
        if video.status != VideoStatus.LIVE:
            return video
        _refuse_obvious_non_video(upload)
        name = layout.original_name(video.storage_prefix)
        stored = default_storage.save(name, upload if isinstance(upload, File) else File(upload))
        try:
            video.source = stored
            video.source_size = default_storage.size(stored)
            for hook in CREATE_HOOKS:
                hook(video, {})
            video_transition(video, VideoStatus.UPLOADED)
            video.save()
            for hook in CREATED_HOOKS:
                hook(video, {})
            jobs.send_process(video.id, video.generation)
        except (DatabaseError, ValidationError):
            default_storage.delete(stored)
            raise
    search.video_reindex(video=video)
    logger.info("live recording uploaded", extra={"video": video.id, "bytes": video.source_size})
    return video


def video_live_discard(*, video_id: str) -> None:
    """A live video whose stream ended without any media: nothing to keep (it has no files).
    A video past LIVE (its recording attached) is left alone."""
    Video.objects.filter(pk=video_id, status=VideoStatus.LIVE).delete()


def _size(upload: IO[bytes] | File) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        position = upload.tell()
        size = upload.seek(0, os.SEEK_END)
        upload.seek(position)
    return int(size)


def _refuse_obvious_non_video(upload: IO[bytes] | File) -> None:
    """Empty files, text, playlists and pictures are refused at once, before anything is stored;
    everything else is judged by the probe in a worker."""
    upload.seek(0)
    head = upload.read(64 * 1024)
    upload.seek(0)
    reason = sniff_bytes(head)
    if reason:
        raise ValidationError({"file": reason})


def video_update(*, video: Video, by: User, **fields) -> Video:
    _require_owner_or_staff(video, by)
    allowed = {"title", "description", "visibility", "content_warning", "tags", "downloads_enabled"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in unknown})
    was_public = video.visibility == Visibility.PUBLIC
    update = [*fields, "updated_at"]
    if "visibility" in fields and fields["visibility"] != video.visibility:
        # Public outputs are cached as immutable for a year: every visibility change moves
        # them to new URLs, and the old ones answer 404.
        video.media_key = new_video_id()
        update.append("media_key")
    for key, value in fields.items():
        setattr(video, key, value.strip() if isinstance(value, str) and key == "title" else value)
    video.full_clean()
    video.save(update_fields=update)
    search.video_reindex(video=video, was_public=was_public)
    page_cache.invalidate()  # lists and search show the title; a private video leaves them
    if "media_key" in update:
        video_announce_if_public(video)
    return video


def video_delete(*, video: Video, by: User) -> None:
    """Delete the row and, after commit, every stored file the video had."""
    _require_owner_or_staff(video, by)
    prefix = video.storage_prefix
    was_public = video.visibility == Visibility.PUBLIC
    video.delete()
    page_cache.invalidate()
    transaction.on_commit(lambda: storage.delete_prefix(prefix))
    if was_public:
        transaction.on_commit(search.words_rebuild)


def video_reprocess(*, video: Video, by: User) -> Video:
    """Start the pipeline again from the stored upload, in a new generation."""
    if not video_can_manage(video=video, user=by):
        raise PermissionDenied("Only the owner or staff may reprocess a video.")
    with transaction.atomic():
        video = Video.objects.select_for_update().get(pk=video.pk)
        old_prefix = video.output_prefix
        video_transition(video, VideoStatus.UPLOADED)
        video.generation += 1
        video.progress = 0
        video.error = None
        video.master_playlist = video.dash_manifest = ""
        video.plan = {}
        video.save()
        video.renditions.all().delete()
        PipelineTask.objects.filter(video=video).delete()
        jobs.send_process(video.id, video.generation)
        transaction.on_commit(lambda: storage.delete_prefix(old_prefix))
        events.progress_changed(video)
    return video


def video_fail(
    *, video_id: str, generation: int, reason: str, part: failures.Part | None = None
) -> None:
    """Record why processing stopped; the reason is shown to the owner and staff as is.

    ``part`` (and what needs it) ends as failed. A video that is ready, or can still become
    ready (a rung and its sound can still be made), stays so, playable with the rungs it has;
    processing ends when nothing else is left. Otherwise it fails as a whole. Never raises on a
    video's state: failure handlers call it last.
    """
    with transaction.atomic():
        video = Video.objects.select_for_update().filter(pk=video_id).first()
        if video is None or video.generation != generation or video.status == VideoStatus.FAILED:
            return
        part = failures.resolve(video, part)
        video.error = f"{part.label(video)}: {reason}" if part is not None else reason
        failures.fail_part(video, part, reason)
        if video.status == VideoStatus.READY or failures.can_become_ready(video):
            video.save(update_fields=["error", "updated_at"])
            bookkeeping.record_progress(video)
        else:
            video_transition(video, VideoStatus.FAILED)
            video.processing_finished_at = timezone.now()
            video.save(update_fields=["status", "error", "processing_finished_at", "updated_at"])
            events.progress_changed(video, error=video.error)
    logger.info("video failed", extra={"video": video_id, "reason": video.error})


def video_retry(*, video: Video, by: User) -> Video:
    """Try again what failed: a failed video from its upload, a ready one only its failed parts
    (it stays watchable meanwhile)."""
    _require_owner_or_staff(video, by)
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        if locked.status == VideoStatus.FAILED:
            return video_reprocess(video=locked, by=by)
        if not failures.reset_failed(locked):
            raise ValidationError("Nothing of this video has failed.")
        locked.error = None
        locked.save(update_fields=["error", "updated_at"])
        bookkeeping.record_progress(locked)
        jobs.send_process(locked.id, locked.generation)
    return locked


def video_count_view(*, video: Video, viewer: str) -> bool:
    """Count a view when playback has started (the player's beacon), once per viewer and video
    within VIEW_WINDOW_S; `viewer` is the account, or the client address when signed out.
    True when this call counted one."""
    if video.status != VideoStatus.READY:
        return False
    digest = hashlib.sha256(f"{video.id}:{viewer}".encode()).hexdigest()[:32]
    # add() is atomic (SET NX in Redis): of two beacons at once, one counts.
    if not cache.add(f"viewed:{digest}", 1, timeout=settings.VIEW_WINDOW_S):
        return False
    Video.objects.filter(pk=video.pk).update(views=F("views") + 1)
    return True


def _require_owner_or_staff(video: Video, user: User) -> None:
    if not video_can_manage(video=video, user=user):
        raise PermissionDenied("Only the owner or staff may change this video.")
