"""Reads for ads: the running campaigns (a short-lived cached snapshot), who is ad-free, and
the per-day report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from apps.ads.models import (
    AdFreeSubscription,
    Campaign,
    CampaignDay,
    CampaignStatus,
    Creative,
    CreativeKind,
)
from apps.ads.targeting import Target
from apps.videos.delivery.links import media_url
from apps.videos.models import VideoStatus

CACHE_KEY = "ads:running-campaigns:v1"


@dataclass(frozen=True)
class CreativeSnap:
    id: int
    kind: str
    media: str  # site-relative URL of the HLS master playlist or the banner image
    skip_after_s: int
    duration: float | None
    width: int | None
    height: int | None
    name: str


@dataclass(frozen=True)
class CampaignSnap:
    id: int
    name: str
    advertiser: str
    weight: int
    starts_at: datetime
    ends_at: datetime | None
    total_cap: int | None
    daily_cap: int | None
    frequency_cap: int | None
    target: Target
    creatives: tuple[CreativeSnap, ...]

    def creatives_of(self, kind: str | None) -> list[CreativeSnap]:
        return [c for c in self.creatives if kind is None or c.kind == kind]


def _creative_snap(creative: Creative) -> CreativeSnap | None:
    if creative.kind == CreativeKind.PREROLL:
        video = creative.video
        if video is None or video.status != VideoStatus.READY or not video.master_playlist:
            return None  # still in the pipeline (or failed): not servable yet
        # Keyed like every media link (a bare /media/<name> costs a redirect per request).
        media = media_url(video.master_playlist, video.media_key)
        return CreativeSnap(
            creative.id, creative.kind, media, creative.skip_after_s,
            video.duration, video.width, video.height, creative.name,
        )  # fmt: skip
    if not creative.image:
        return None
    media = reverse("ads-media", kwargs={"name": creative.image})
    return CreativeSnap(
        creative.id, creative.kind, media, 0, None, creative.width, creative.height, creative.name
    )


def _load_running(now: datetime) -> list[CampaignSnap]:
    campaigns = (
        Campaign.objects.filter(status=CampaignStatus.ACTIVE, starts_at__lte=now)
        .exclude(ends_at__lte=now)
        .select_related("advertiser")
        .prefetch_related(
            Prefetch(
                "creatives",
                queryset=Creative.objects.filter(active=True).select_related("video"),
            ),
            "target_channels",
            "excluded_videos",
        )
    )
    snaps = []
    for c in campaigns:
        creatives = tuple(s for s in map(_creative_snap, c.creatives.all()) if s is not None)
        if not creatives:
            continue
        target = Target(
            audience=c.audience,
            tags=frozenset(c.tag_list),
            channels=frozenset(u.pk for u in c.target_channels.all()),
            excluded_videos=frozenset(v.pk for v in c.excluded_videos.all()),
        )
        snaps.append(
            CampaignSnap(
                c.id,
                c.name,
                c.advertiser.name,
                c.weight,
                c.starts_at,
                c.ends_at,
                c.total_cap,
                c.daily_cap,
                c.frequency_cap,
                target,
                creatives,
            )  # fmt: skip
        )
    return snaps


def running_campaigns() -> list[CampaignSnap]:
    """Active campaigns with servable creatives, cached for the setting ADS_CAMPAIGN_CACHE_S
    (5) seconds.

    Staleness is bounded and harmless for money: the schedule is checked again per request
    against this snapshot, and caps are enforced by the reservation in the database, never
    from cached counts. Admin changes clear the cache at once.
    """
    snaps = cache.get(CACHE_KEY)
    if snaps is None:
        snaps = _load_running(timezone.now())
        cache.set(CACHE_KEY, snaps, getattr(settings, "ADS_CAMPAIGN_CACHE_S", 5))
    return snaps


def running_campaigns_forget() -> None:
    cache.delete(CACHE_KEY)


def viewer_is_ad_free(*, user, now: datetime | None = None) -> bool:
    """Staff's ad-free flag on the account, or a subscription in force."""
    if not (user and user.is_authenticated):
        return False
    if getattr(user, "ad_free", False):
        return True
    now = now or timezone.now()
    return AdFreeSubscription.objects.filter(
        user=user, starts_at__lte=now, ends_at__gt=now
    ).exists()


@dataclass(frozen=True)
class ReportRow:
    day: date
    served: int
    impressions: int
    clicks: int
    completions: int
    preroll_impressions: int

    @property
    def ctr(self) -> float:
        return self.clicks / self.impressions if self.impressions else 0.0

    @property
    def ctr_percent(self) -> str:
        return f"{100 * self.ctr:.1f} %"

    @property
    def completion_percent(self) -> str:
        return f"{100 * self.completion_rate:.1f} %"

    @property
    def completion_rate(self) -> float:
        return self.completions / self.preroll_impressions if self.preroll_impressions else 0.0


def campaign_report(*, campaign: Campaign) -> list[ReportRow]:
    """One row per day the campaign served or recorded anything, oldest first."""
    days = CampaignDay.objects.filter(campaign=campaign).order_by("day")
    return [
        ReportRow(d.day, d.served, d.impressions, d.clicks, d.completions, d.preroll_impressions)
        for d in days
    ]
