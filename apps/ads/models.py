"""Advertisers, campaigns, creatives, their daily counters and ad-free subscriptions.

Data and invariants only: decisions, beacons and creative processing live in services.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models


def ads_system_username() -> str:
    """The inactive account that owns pre-roll videos: never a name a person could have.

    A Django setting (not an environment variable: settings.py is full), like
    ADS_CAMPAIGN_CACHE_S."""
    return getattr(settings, "ADS_SYSTEM_USERNAME", "streamsite-ads")


def validate_click_url(value: str) -> None:
    """http/https only: a javascript: or data: click-through would run in our origin's tab."""
    URLValidator(schemes=["http", "https"])(value)
    if urlsplit(value).scheme.lower() not in ("http", "https"):
        raise ValidationError("Only http and https links are allowed.")


class Advertiser(models.Model):
    name = models.CharField(max_length=120, unique=True)
    contact_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    ENDED = "ended", "Ended"


class Audience(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    SIGNED_IN = "signed_in", "Signed-in viewers"
    ANONYMOUS = "anonymous", "Anonymous viewers"


class Campaign(models.Model):
    advertiser = models.ForeignKey(Advertiser, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=120)
    status = models.CharField(
        max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: no end.")
    weight = models.PositiveIntegerField(
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
        help_text="Relative share among the campaigns eligible for a view.",
    )
    total_cap = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="Impressions, ever."
    )
    daily_cap = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="Impressions a day."
    )
    frequency_cap = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Ads of this campaign one viewer may get a day.",
    )
    # Targeting. Empty means "no restriction"; every rule given must hold.
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.EVERYONE)
    target_tags = models.CharField(
        max_length=500, blank=True, help_text="Comma-separated; a video with any of them matches."
    )
    target_channels = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="Only these channels' videos (empty: every channel).",
    )
    excluded_videos = models.ManyToManyField(
        "videos.Video", blank=True, related_name="+", help_text="Never on these videos."
    )
    # Reserved atomically by the decision (a conditional UPDATE), so it never passes total_cap.
    served = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.advertiser})"

    def clean(self) -> None:
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must come after the start."})

    @property
    def tag_list(self) -> list[str]:
        return [t.strip().lower() for t in self.target_tags.split(",") if t.strip()]


class CreativeKind(models.TextChoices):
    PREROLL = "preroll", "Pre-roll video"
    BANNER = "banner", "Banner image"


class Creative(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="creatives")
    kind = models.CharField(max_length=10, choices=CreativeKind.choices)
    name = models.CharField(max_length=120)
    click_url = models.CharField(max_length=2000, validators=[validate_click_url])
    active = models.BooleanField(default=True)
    # Pre-roll: a Video owned by the ads system account, processed by the VOD pipeline.
    video = models.OneToOneField(
        "videos.Video", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    skip_after_s = models.PositiveSmallIntegerField(
        default=5, validators=[MaxValueValidator(60)], help_text="Seconds before Skip appears."
    )
    # Banner: the re-encoded image's storage name and size.
    image = models.CharField(max_length=300, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="preroll") & models.Q(video__isnull=False))
                | (models.Q(kind="banner") & ~models.Q(image="")),
                name="creative_has_its_media",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class CampaignDay(models.Model):
    """One campaign's counters for one day (UTC): what the decision reserved and what beacons
    recorded. `served` is what the daily cap limits."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    served = models.PositiveIntegerField(default=0)
    impressions = models.PositiveIntegerField(default=0)
    preroll_impressions = models.PositiveIntegerField(default=0)
    completions = models.PositiveIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["campaign", "day"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "day"], name="campaign_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.day}"


class ViewerDay(models.Model):
    """How many ads of a campaign one viewer got on one day: the frequency cap's counter."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    viewer = models.CharField(max_length=64)
    day = models.DateField()
    served = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "viewer", "day"], name="viewer_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.viewer} {self.day}"


class EventKind(models.TextChoices):
    IMPRESSION = "impression", "Impression"
    COMPLETION = "completion", "Completed pre-roll"
    CLICK = "click", "Click"


class AdEvent(models.Model):
    """One beacon that counted: the unique constraint makes every beacon count once per view."""

    view = models.CharField(max_length=32, help_text="The ad view token's id.")
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    creative = models.ForeignKey(Creative, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["view", "kind"], name="ad_event_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.view}"


class AdFreeSubscription(models.Model):
    """Staff-granted ad-free period (payment is out of scope; this record stands for it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ad_free_subscriptions"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ends_at"]
        indexes = [models.Index(fields=["user", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.user} ad-free until {self.ends_at:%Y-%m-%d}"

    def clean(self) -> None:
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must come after the start."})
