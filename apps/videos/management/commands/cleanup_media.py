"""`manage.py cleanup_media [--dry-run]`: remove stored files that no video owns any more.

Orphans come from deletions that crashed half-way, reprocessed generations, jobs killed
between upload and bookkeeping, and custom thumbnails replaced or cleared while storage was
unreachable (their folder `videos/<id>/thumbs/<token>/` left behind). Files of videos still in
processing are never touched; a thumbnail folder the video does not name is left alone for
THUMBNAIL_GRACE after its last write (an upload between storing its pictures and committing
the row), and so is a video folder without a row (an upload stores its original before its
row is committed). Everything goes through the storage API (local files or S3 alike). `--dry-run`
lists what would go, folder by folder, and removes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from apps.videos.models import Video, VideoStatus
from apps.videos.pipeline import layout, storage

THUMBNAIL_GRACE = timedelta(hours=1)
# A folder with no video row: an upload in progress writes its original before the row exists.
UNOWNED_GRACE = timedelta(hours=1)


def _written_before(prefix: str, cutoff) -> bool:
    return all(default_storage.get_modified_time(name) < cutoff for name in storage.walk(prefix))


def orphan_thumbnail_folders(video: Video, now=None) -> list[str]:
    """The video's custom-thumbnail folders it does not name, last written over
    THUMBNAIL_GRACE ago (each ending in '/')."""
    top = f"{video.storage_prefix}{layout.CUSTOM_THUMBNAILS}"
    try:
        tokens, _ = default_storage.listdir(top)
    except FileNotFoundError:
        return []
    named = {name.rsplit("/", 1)[0] for name in (video.custom_thumbnails or {}).values()}
    cutoff = (now or timezone.now()) - THUMBNAIL_GRACE
    orphans = []
    for token in sorted(tokens):
        folder = f"{top}/{token}"
        if folder in named:
            continue
        if _written_before(folder, cutoff):
            orphans.append(f"{folder}/")
    return orphans


class Command(BaseCommand):
    help = "Delete stored media files that belong to no video (or to an old generation)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, dry_run: bool, **options):
        try:
            video_dirs, _ = default_storage.listdir(layout.ROOT)
        except FileNotFoundError:
            video_dirs = []
        videos = {
            v.id: v
            for v in Video.objects.filter(id__in=video_dirs).only(
                "generation", "status", "progress", "custom_thumbnails"
            )
        }
        removed = thumbnail_folders = 0
        for video_id in video_dirs:
            video = videos.get(video_id)
            prefix = layout.video_prefix(video_id).rstrip("/")
            if video is None:
                if _written_before(prefix, timezone.now() - UNOWNED_GRACE):
                    removed += self._remove(prefix, dry_run)
                continue
            subdirs, _ = default_storage.listdir(prefix)
            for sub in subdirs:
                match = layout.GENERATION_DIR.match(sub)
                if match and int(match[1]) != video.generation:
                    removed += self._remove(f"{prefix}/{sub}", dry_run)
                elif match and video.status == VideoStatus.READY and video.progress >= 100:
                    removed += self._remove(f"{prefix}/{sub}/{layout.WORK}".rstrip("/"), dry_run)
            for folder in orphan_thumbnail_folders(video):
                self.stdout.write(f"orphaned thumbnail folder {folder}")
                removed += self._remove(folder.rstrip("/"), dry_run)
                thumbnail_folders += 1
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(
            f"{verb} {removed} file(s), {thumbnail_folders} orphaned thumbnail folder(s) among them"
        )

    def _remove(self, prefix: str, dry_run: bool) -> int:
        names = list(storage.walk(prefix))
        for name in names:
            self.stdout.write(f"  {name}")
        if not dry_run:
            # One call for the folder (DeleteObjects by the thousand on S3; local folders
            # emptied are removed too).
            storage.delete_prefix(prefix)
        return len(names)
