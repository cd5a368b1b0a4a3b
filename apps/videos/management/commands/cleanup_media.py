"""`manage.py cleanup_media [--dry-run]`: remove stored files that no video owns any more.

Orphans come from deletions that crashed half-way, reprocessed generations, and jobs killed
between upload and bookkeeping. Files of videos still in processing are never touched.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from apps.videos.models import Video, VideoStatus
from apps.videos.pipeline import layout, storage


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
            v.id: v for v in Video.objects.filter(id__in=video_dirs).only("generation", "status")
        }
        removed = 0
        for video_id in video_dirs:
            video = videos.get(video_id)
            prefix = layout.video_prefix(video_id).rstrip("/")
            if video is None:
                removed += self._remove(prefix, dry_run)
                continue
            subdirs, _ = default_storage.listdir(prefix)
            for sub in subdirs:
                match = layout.GENERATION_DIR.match(sub)
                if match and int(match[1]) != video.generation:
                    removed += self._remove(f"{prefix}/{sub}", dry_run)
                elif match and video.status == VideoStatus.READY and video.progress >= 100:
                    removed += self._remove(f"{prefix}/{sub}/{layout.WORK}".rstrip("/"), dry_run)
        self.stdout.write(f"{'would remove' if dry_run else 'removed'} {removed} file(s)")

    def _remove(self, prefix: str, dry_run: bool) -> int:
        names = list(storage.walk(prefix))
        for name in names:
            self.stdout.write(f"  {name}")
            if not dry_run:
                default_storage.delete(name)
        return len(names)
