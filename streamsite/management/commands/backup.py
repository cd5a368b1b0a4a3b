"""`manage.py backup DEST`: the database and the media, to restore with `manage.py restore`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from streamsite.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or dumpdata with --format json) and the media: a "
        "manifest of every object with size and SHA-256, and a copy of each in DEST/media/ "
        "(or --media-to s3://bucket?…, or --media none to rely on the bucket's versioning)."
    )

    def add_arguments(self, parser):
        parser.add_argument("dest", type=Path, help="a new or empty directory")
        parser.add_argument("--media-to", default=None, help="file:///path, s3://bucket?… or none")
        parser.add_argument("--format", choices=["pg", "json"], default=None)

    def handle(self, *args, dest: Path, media_to: str | None, format: str | None, **options):
        try:
            manifest = backup(dest, media_to=media_to, fmt=format, progress=self.stderr.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        count = len(manifest["media"]["objects"])
        self.stdout.write(f"backed up to {dest}: {manifest['database']}, {count} media objects")
