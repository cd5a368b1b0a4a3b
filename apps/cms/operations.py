"""Reads for the operations dashboard. Sections of apps that may be absent (live, broadcasts,
ads) are asked through `optional()`: a missing app or selector shows as "not installed"."""

from __future__ import annotations

import importlib
from datetime import timedelta

from django.apps import apps
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from apps.users.models import User
from apps.videos.models import PipelineTask, Video, VideoStatus

STUCK_AFTER = timedelta(minutes=30)
CHART_DAYS = 14


def optional(module: str, name: str):
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def today_counts() -> dict[str, int]:
    start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    today = Video.objects.filter(created_at__gte=start).exclude(status=VideoStatus.LIVE)
    return {
        "uploads": today.count(),
        "ready": today.filter(status=VideoStatus.READY).count(),
        "failed": today.filter(status=VideoStatus.FAILED).count(),
        "processing": Video.objects.filter(
            status__in=[VideoStatus.UPLOADED, VideoStatus.PROCESSING]
        ).count(),
    }


def queue_depth() -> int:
    """Pipeline units of work waiting (not done, not failed), of videos' current generations."""
    return PipelineTask.objects.filter(
        done_at__isnull=True, failed_at__isnull=True, generation=F("video__generation")
    ).count()


def problem_videos(limit: int = 20) -> list[Video]:
    """Failed videos, ready ones with failed parts, and videos whose processing has not moved
    for STUCK_AFTER."""
    stale = timezone.now() - STUCK_AFTER
    failed_parts = PipelineTask.objects.filter(
        failed_at__isnull=False, generation=F("video__generation")
    ).values("video_id")
    return list(
        Video.objects.filter(
            Q(status=VideoStatus.FAILED)
            | Q(pk__in=failed_parts)
            | Q(status__in=[VideoStatus.UPLOADED, VideoStatus.PROCESSING], updated_at__lt=stale)
        )
        .select_related("owner")
        .order_by("-updated_at")[:limit]
    )


def uploads_per_day(days: int = CHART_DAYS) -> list[tuple[str, int]]:
    today = timezone.now().date()
    first = today - timedelta(days=days - 1)
    counts = dict(
        Video.objects.filter(created_at__date__gte=first)
        .exclude(status=VideoStatus.LIVE)
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return [
        ((first + timedelta(days=i)).strftime("%b %d"), counts.get(first + timedelta(days=i), 0))
        for i in range(days)
    ]


def storage_per_user(limit: int = 10) -> list[tuple[str, int]]:
    """Bytes of stored uploads per account, largest first."""
    rows = (
        User.objects.annotate(stored=Sum("videos__source_size"))
        .filter(stored__gt=0)
        .order_by("-stored")
        .values_list("username", "stored")[:limit]
    )
    return [(name, int(stored)) for name, stored in rows]


def top_videos(limit: int = 10) -> list[Video]:
    return list(Video.objects.filter(views__gt=0).order_by("-views")[:limit])


def live_now() -> list | None:
    source = optional("apps.live.selectors", "live_list_now")
    return list(source()[:20]) if source else None


def active_broadcasts() -> list | None:
    """Banners in force now (site-wide and per video), if the broadcasts app is there."""
    try:
        model = apps.get_model("broadcasts", "Broadcast")
    except LookupError:
        return None
    now = timezone.now()
    return list(
        model.objects.filter(ended_at__isnull=True, starts_at__lte=now)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("-starts_at")[:20]
    )


def ad_totals(days: int = CHART_DAYS) -> dict | None:
    """Impressions and clicks over the last `days` days, from the ads app's daily counters."""
    try:
        model = apps.get_model("ads", "CampaignDay")
    except LookupError:
        return None
    since = timezone.now().date() - timedelta(days=days - 1)
    totals = model.objects.filter(day__gte=since).aggregate(
        impressions=Sum("impressions"), clicks=Sum("clicks")
    )
    return {"impressions": totals["impressions"] or 0, "clicks": totals["clicks"] or 0}
