"""`manage.py pipeline_sweep`: queue videos stored but never queued (run it from cron with Redis;
the embedded server runs the same sweep by itself)."""

from django.core.management.base import BaseCommand

from apps.videos.pipeline import recovery


class Command(BaseCommand):
    help = "Re-send processing for uploaded videos that no worker has picked up."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=float, default=60.0, help="seconds")

    def handle(self, *args, older_than: float, **options):
        count = recovery.sweep(older_than_s=older_than)
        self.stdout.write(f"queued {count} video(s)")
