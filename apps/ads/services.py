"""Writes for ads: the decision (which reserves its impression atomically) and the beacons.

Caps hold under concurrency because every reservation is one conditional write per counter
(`... WHERE served < cap`), all in one transaction: PostgreSQL re-checks the condition after
waiting for a concurrent writer's row lock, so two requests can never both take the last
impression. A decision that fails any counter rolls back the others and tries the next
campaign. Caps count reserved (served) ads, so they are never overspent even when a viewer
never plays the ad; the report counts what beacons confirmed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.ads import selectors, targeting
from apps.ads.models import Campaign, CreativeKind, EventKind, ads_system_username
from apps.ads.selectors import CampaignSnap, CreativeSnap
from apps.ads.tokens import AdView, make_token, new_view_id
from apps.videos.models import Video

NO_CAP = 2_000_000_000  # above any PositiveIntegerField counter: "no cap" in one SQL shape


@dataclass(frozen=True)
class Decision:
    view: AdView
    token: str
    campaign: CampaignSnap
    creative: CreativeSnap


class _Full(Exception):
    """A counter is at its cap: roll the reservation back."""


def _today(now: datetime) -> date:
    # Days are UTC days, whatever the site's time zone: one cap boundary for every server.
    return now.astimezone(UTC).date()


def _reserve(campaign: CampaignSnap, *, viewer: str, day: date) -> bool:
    """Take one impression of the campaign's total, daily and per-viewer allowance, or none."""
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                if campaign.frequency_cap:
                    cursor.execute(
                        "INSERT INTO ads_viewerday (campaign_id, viewer, day, served) "
                        "VALUES (%s, %s, %s, 1) ON CONFLICT (campaign_id, viewer, day) "
                        "DO UPDATE SET served = ads_viewerday.served + 1 "
                        "WHERE ads_viewerday.served < %s RETURNING served",
                        [campaign.id, viewer, day, campaign.frequency_cap],
                    )
                    if cursor.fetchone() is None:
                        raise _Full
                cursor.execute(
                    "INSERT INTO ads_campaignday (campaign_id, day, served, impressions, "
                    "preroll_impressions, completions, clicks) VALUES (%s, %s, 1, 0, 0, 0, 0) "
                    "ON CONFLICT (campaign_id, day) "
                    "DO UPDATE SET served = ads_campaignday.served + 1 "
                    "WHERE ads_campaignday.served < %s RETURNING served",
                    [campaign.id, day, campaign.daily_cap or NO_CAP],
                )
                if cursor.fetchone() is None:
                    raise _Full
            taken = (
                Campaign.objects.filter(pk=campaign.id)
                .filter(Q(total_cap__isnull=True) | Q(served__lt=F("total_cap")))
                .update(served=F("served") + 1)
            )
            if not taken:
                raise _Full
    except _Full:
        return False
    return True


def ads_excluded(*, video: Video, user) -> bool:
    """Nobody sees ads on an ad's own video; creators never on theirs; premium viewers never."""
    if video.owner.username == ads_system_username():
        return True
    if user and user.is_authenticated:
        if user.pk == video.owner_id:
            return True
        if selectors.viewer_is_ad_free(user=user):
            return True
    return False


def ad_decide(
    *, video: Video, user, viewer: str, kind: str | None = None, rng: random.Random | None = None
) -> Decision | None:
    """Pick an ad for this view, weighted among the eligible campaigns, and reserve it.

    `kind` restricts to pre-rolls or banners; None takes either. None when nothing is
    eligible (or every eligible campaign is at a cap).
    """
    if ads_excluded(video=video, user=user):
        return None
    rng = rng or random
    now = timezone.now()
    placement = targeting.Placement(
        video=video.id,
        owner=video.owner_id,
        tags=targeting.video_tags(video.tags),
        signed_in=bool(user and user.is_authenticated),
    )
    candidates = [
        c
        for c in selectors.running_campaigns()
        if targeting.in_schedule(c.starts_at, c.ends_at, now)
        and c.creatives_of(kind)
        and targeting.matches(c.target, placement)
    ]
    day = _today(now)
    while candidates:
        campaign = rng.choices(candidates, weights=[c.weight for c in candidates])[0]
        if _reserve(campaign, viewer=viewer, day=day):
            creative = rng.choice(campaign.creatives_of(kind))
            view = AdView(new_view_id(), campaign.id, creative.id, video.id, creative.kind)
            return Decision(view=view, token=make_token(view), campaign=campaign, creative=creative)
        candidates.remove(campaign)
    return None


def _bump_day(cursor, campaign_id: int, day: date, columns: tuple[str, ...]) -> None:
    # Column names come from this module only, never from a request.
    sets = ", ".join(f"{c} = ads_campaignday.{c} + 1" for c in columns)
    values = {c: 1 if c in columns else 0 for c in ("impressions", "preroll_impressions",
                                                    "completions", "clicks")}  # fmt: skip
    cursor.execute(
        "INSERT INTO ads_campaignday (campaign_id, day, served, impressions, "
        "preroll_impressions, completions, clicks) VALUES (%s, %s, 0, %s, %s, %s, %s) "
        f"ON CONFLICT (campaign_id, day) DO UPDATE SET {sets}",
        [campaign_id, day, values["impressions"], values["preroll_impressions"],
         values["completions"], values["clicks"]],
    )  # fmt: skip


def _record_once(cursor, view: AdView, kind: str, now: datetime) -> bool:
    cursor.execute(
        "INSERT INTO ads_adevent (view, kind, campaign_id, creative_id, created_at) "
        "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (view, kind) DO NOTHING RETURNING id",
        [view.view, kind, view.campaign, view.creative, now],
    )
    return cursor.fetchone() is not None


class GoneCreative(Exception):
    """The token is genuine but its campaign or creative was deleted since."""


def ad_event_record(*, view: AdView, kind: str) -> bool:
    """Count a beacon once per ad view; True if this call counted it.

    A completion implies the impression (a player may skip the impression ping), so the
    completion rate never passes 100 %.
    """
    if kind == EventKind.COMPLETION and view.kind != CreativeKind.PREROLL:
        return False
    now = timezone.now()
    day = _today(now)
    kinds = [kind]
    if kind == EventKind.COMPLETION:
        kinds = [EventKind.IMPRESSION, EventKind.COMPLETION]
    counted = False
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for k in kinds:
                if not _record_once(cursor, view, k, now):
                    continue
                counted = k == kind or counted
                columns: tuple[str, ...] = {
                    EventKind.IMPRESSION: ("impressions",),
                    EventKind.COMPLETION: ("completions",),
                    EventKind.CLICK: ("clicks",),
                }[k]
                if k == EventKind.IMPRESSION and view.kind == CreativeKind.PREROLL:
                    columns = ("impressions", "preroll_impressions")
                _bump_day(cursor, view.campaign, day, columns)
    except IntegrityError as exc:
        raise GoneCreative("This ad no longer exists.") from exc
    return counted
