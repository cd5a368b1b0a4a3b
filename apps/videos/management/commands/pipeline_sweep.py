"""`manage.py pipeline_sweep`: queue videos stored but never queued and run the watchdog once.
The embedded server and `manage.py worker` run the same sweep by themselves; this is for an
operator who wants it now."""

from django.core.management.base import BaseCommand

from apps.videos.pipeline import recovery


class Command(BaseCommand):
    help = "Queue uploads no worker has picked up; re-queue or fail work that stopped moving."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=float, default=60.0, help="seconds")

    def handle(self, *args, older_than: float, **options):
        count = recovery.sweep(older_than_s=older_than)
        self.stdout.write(f"queued {count} video(s)")
