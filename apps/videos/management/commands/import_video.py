"""`manage.py import_video PATH --owner USER --title TITLE [--wait]`: upload without HTTP."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from apps.users.models import User
from apps.videos import services
from apps.videos.models import Video, VideoStatus, Visibility
from streamsite import broker
from streamsite.logging import send_logs_to_stderr


class Command(BaseCommand):
    help = "Import a video file as if uploaded; prints the new video's id on the first line."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--owner", required=True)
        parser.add_argument("--title", required=True)
        parser.add_argument("--description", default="")
        parser.add_argument("--visibility", default=Visibility.PUBLIC, choices=Visibility.values)
        parser.add_argument("--wait", action="store_true", help="Return when processing ends.")
        parser.add_argument("--timeout", type=float, default=6 * 3600)

    def handle(self, *args, path: Path, owner: str, title: str, wait: bool, **options):
        # stdout carries the id alone, for scripts; everything else goes to stderr.
        send_logs_to_stderr()
        user = User.objects.filter(username=owner).first()
        if user is None:
            raise CommandError(f"No user named {owner!r}.")
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        if wait:
            # Embedded default: nothing else consumes this process's in-memory queue.
            broker.start_embedded_worker()
        with open(path, "rb") as fh:
            try:
                video = services.video_create(
                    owner=user,
                    title=title,
                    upload=File(fh, name=path.name),
                    filename=path.name,
                    description=options["description"],
                    visibility=options["visibility"],
                    enforce_role=False,
                )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(video.id)
        self.stdout.flush()
        if not wait:
            return
        deadline = time.monotonic() + options["timeout"]
        last = None
        while time.monotonic() < deadline:
            video = Video.objects.get(pk=video.pk)
            state = (video.status, video.progress)
            if state != last:
                sys.stderr.write(f"{video.status} {video.progress}%\n")
                last = state
            if video.status == VideoStatus.FAILED:
                broker.stop_embedded_worker()
                raise CommandError(f"processing failed: {video.error}")
            if video.status == VideoStatus.READY and video.progress >= 100:
                broker.stop_embedded_worker()
                return
            time.sleep(0.5)
        raise CommandError("timed out waiting for processing")
