"""`manage.py tus_cleanup`: remove tus uploads left idle for 24 hours (the serving process and
`manage.py worker` also run it every TUS_CLEANUP_INTERVAL_S).

Abandoned uploads would otherwise fill the storage under tus-parts/; receipts of finished
uploads go too.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from apps.videos.uploads.tus_store import PARTS_PREFIX, tus_cleanup_expired


class Command(BaseCommand):
    help = "Delete expired (idle for 24 h) resumable uploads and their stored parts."

    def handle(self, *args, **options) -> None:
        removed = tus_cleanup_expired()
        self.stdout.write(f"removed {removed} expired upload(s) ({PARTS_PREFIX}/ in storage)")
