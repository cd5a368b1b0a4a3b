"""Ads factories: campaigns with servable creatives, without running the pipeline (a ready
Video row with a playlist name stands for a processed pre-roll)."""

from __future__ import annotations

import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from apps.ads.models import Advertiser, Campaign, CampaignStatus, Creative, CreativeKind
from tests.factories import VideoFactory


class AdvertiserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Advertiser

    name = factory.Sequence(lambda n: f"Advertiser {n}")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    advertiser = factory.SubFactory(AdvertiserFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    status = CampaignStatus.ACTIVE
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


def ad_video(**fields):
    """A ready pre-roll video owned by the ads system account."""
    from apps.ads.creatives import ads_system_user

    video = VideoFactory(owner=ads_system_user(), visibility="unlisted", duration=6.0, **fields)
    video.master_playlist = f"{video.output_prefix}master.m3u8"
    video.save(update_fields=["master_playlist"])
    return video


class CreativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Creative

    campaign = factory.SubFactory(CampaignFactory)
    kind = CreativeKind.BANNER
    name = factory.Sequence(lambda n: f"Creative {n}")
    click_url = "https://advertiser.example/landing"
    image = factory.LazyFunction(lambda: f"ads/banners/{secrets.token_hex(12)}.webp")
    width = 300
    height = 250


def preroll(campaign=None, **fields) -> Creative:
    campaign = campaign or CampaignFactory()
    return CreativeFactory(
        campaign=campaign, kind=CreativeKind.PREROLL, image="", video=ad_video(), **fields
    )


def banner(campaign=None, **fields) -> Creative:
    return CreativeFactory(campaign=campaign or CampaignFactory(), **fields)
