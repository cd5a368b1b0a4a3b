"""Writes for creatives: a pre-roll becomes a Video of the ads system account sent through
the VOD pipeline; a banner is re-encoded with Pillow (`banner_reencode`). Both are stored
through the storage API."""

from __future__ import annotations

import io
import os
import secrets
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from apps.ads import selectors
from apps.ads.models import Campaign, Creative, CreativeKind, ads_system_username
from apps.users.models import User
from apps.videos import services as video_services
from apps.videos.models import Visibility

# Banner limits. A banner is decoded with Pillow within them and re-encoded from pixels alone,
# so no metadata (EXIF, GPS, ICC, comments) and nothing but an image ever reaches a viewer.
MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 16_000_000  # decoded size: refuses decompression bombs before decoding
MAX_SIDE = 1200  # stored banners are scaled down to fit this box
FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


class SystemAccountTaken(Exception):
    pass


def ads_system_user() -> User:
    """The account that owns pre-roll videos: inactive, no password, never a person.

    Its videos are unlisted: out of every listing, search and channel page (which show public
    videos only), yet playable by any viewer's ad player, down to the segment.
    """
    user, created = User.objects.get_or_create(
        username=ads_system_username(),
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


def banner_reencode(upload: IO[bytes]) -> tuple[bytes, int, int]:
    """WebP bytes, width and height of a clean copy of the upload; ValidationError otherwise."""
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(f"The image is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in FORMATS:
                raise ValidationError("Upload a JPEG, PNG, WebP or GIF image.")
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError("The image has too many pixels.")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.seek(0)  # an animated GIF/WebP keeps its first frame only
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            # A fresh image from the pixels: nothing of the original's info dict survives.
            clean = Image.new(image.mode, image.size)
            clean.paste(image)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError("This file is not a decodable image.") from exc
    out = io.BytesIO()
    clean.save(out, format="WEBP", quality=85, method=4)
    return out.getvalue(), clean.width, clean.height
