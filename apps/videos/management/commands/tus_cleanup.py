"""`manage.py tus_cleanup`: remove tus uploads left idle for 24 hours (run it from cron).

Abandoned uploads would otherwise fill TUS_UPLOAD_DIR; receipts of finished uploads go too.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from apps.videos.uploads.tus_store import tus_cleanup_expired, upload_dir


class Command(BaseCommand):
    help = "Delete expired (idle for 24 h) resumable uploads from TUS_UPLOAD_DIR."

    def handle(self, *args, **options) -> None:
        removed = tus_cleanup_expired()
        self.stdout.write(f"removed {removed} expired upload(s) from {upload_dir()}")
