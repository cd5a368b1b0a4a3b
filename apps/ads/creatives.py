"""Writes for creatives: a pre-roll becomes a Video of the ads system account sent through
the VOD pipeline; a banner is re-encoded with Pillow. Both are stored through the storage API."""

from __future__ import annotations

import os
import secrets
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction

from apps.ads import selectors
from apps.ads.images import banner_reencode
from apps.ads.models import Campaign, Creative, CreativeKind
from apps.users.models import User
from apps.videos import services as video_services
from apps.videos.models import Visibility


class SystemAccountTaken(Exception):
    pass


def ads_system_user() -> User:
    """The account that owns pre-roll videos: inactive, no password, never a person.

    Its videos are unlisted: out of every listing, search and channel page (which show public
    videos only), yet playable by any viewer's ad player, down to the segment.
    """
    user, created = User.objects.get_or_create(
        username=settings.ADS_SYSTEM_USERNAME,
        defaults={"is_active": False, "display_name": "Advertising"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    elif user.is_active or user.has_usable_password():
        # Someone signed up with this name first: never hand ads to a person's account.
        raise SystemAccountTaken(
            f"The account {user.username!r} belongs to a person; set ADS_SYSTEM_USERNAME."
        )
    return user


def creative_create_preroll(
    *, campaign: Campaign, name: str, click_url: str, upload: IO[bytes], filename: str,
    skip_after_s: int = 5,
) -> Creative:  # fmt: skip
    creative = Creative(
        campaign=campaign, kind=CreativeKind.PREROLL, name=name, click_url=click_url,
        skip_after_s=skip_after_s,
    )  # fmt: skip
    creative.full_clean(exclude=["video", "image"])
    with transaction.atomic():
        video = video_services.video_create(
            owner=ads_system_user(),
            title=f"Ad: {name}"[:200],
            upload=upload,
            filename=os.path.basename(filename or "preroll"),
            visibility=Visibility.UNLISTED,
            enforce_role=False,
        )
        creative.video = video
        creative.save()
    transaction.on_commit(selectors.running_campaigns_forget)
    return creative


def creative_create_banner(
    *, campaign: Campaign, name: str, click_url: str, upload: IO[bytes]
) -> Creative:
    creative = Creative(campaign=campaign, kind=CreativeKind.BANNER, name=name, click_url=click_url)
    creative.full_clean(exclude=["video", "image"])
    data, width, height = banner_reencode(upload)
    stored = default_storage.save(f"ads/banners/{secrets.token_hex(12)}.webp", ContentFile(data))
    creative.image, creative.width, creative.height = stored, width, height
    try:
        creative.save()
    except DatabaseError:
        default_storage.delete(stored)  # no row points at it: leave no orphan file
        raise
    transaction.on_commit(selectors.running_campaigns_forget)
    return creative
