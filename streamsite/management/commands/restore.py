"""`manage.py restore SRC`: a back-up made by `manage.py backup` into an empty database and
the configured storage, every object checked against the manifest."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from streamsite.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a back-up (manage.py backup) into an empty database and the storage."

    def add_arguments(self, parser):
        parser.add_argument("src", type=Path)
        parser.add_argument(
            "--media-from", default=None, help="where the media are, if not SRC/media/"
        )

    def handle(self, *args, src: Path, media_from: str | None, **options):
        try:
            manifest = restore(src, media_from=media_from)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        count = len(manifest["media"]["objects"])
        self.stdout.write(f"restored {manifest['database']} and {count} media objects")
