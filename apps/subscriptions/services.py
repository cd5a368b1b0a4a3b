"""Writes of subscriptions and channel pages. The subscriber count moves by F() in the
transaction of the row it counts: exact under any concurrency (the unique constraint makes two
subscribes of one user one row; a delete counts only the row it removed)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import F

from apps.subscriptions.models import ChannelProfile, NotifyLevel, Subscription
from apps.users.models import User
from media_pipeline.images import MAX_BYTES, ImageRejected, reencode_image


@dataclass(frozen=True)
class SubscriptionState:
    subscribed: bool
    subscribers: int
    notify: str | None = None


def _signed_in(user) -> None:
    if user is None or not user.is_authenticated:
        raise PermissionDenied("Sign in first.")


def _shift(channel_id: int, step: int) -> int:
    ChannelProfile.objects.get_or_create(user_id=channel_id)
    ChannelProfile.objects.filter(user_id=channel_id).update(subscribers=F("subscribers") + step)
    # Read under the row lock the update holds until commit: exact at this commit.
    return ChannelProfile.objects.values_list("subscribers", flat=True).get(user_id=channel_id)


def _count(channel_id: int) -> int:
    profile = ChannelProfile.objects.filter(user_id=channel_id).first()
    return profile.subscribers if profile else 0


def subscription_set(*, user: User, channel: User, notify: str | None = None) -> SubscriptionState:
    """Subscribe (a second time changes nothing), optionally setting the notification level."""
    _signed_in(user)
    if user.pk == channel.pk:
        raise ValidationError("You cannot subscribe to your own channel.")
    if not channel.is_active:
        raise ValidationError("This channel is closed.")
    if notify is not None and notify not in NotifyLevel.values:
        raise ValidationError(f"notify: choose one of {', '.join(NotifyLevel.values)}.")
    with transaction.atomic():
        subscription, created = Subscription.objects.get_or_create(
            user=user, channel=channel, defaults={"notify": notify or NotifyLevel.ALL}
        )
        count = _shift(channel.pk, +1) if created else _count(channel.pk)
        if notify is not None and not created and subscription.notify != notify:
            Subscription.objects.filter(pk=subscription.pk).update(notify=notify)
            subscription.notify = notify
    return SubscriptionState(True, count, subscription.notify)


def subscription_delete(*, user: User, channel: User) -> SubscriptionState:
    _signed_in(user)
    with transaction.atomic():
        # Of two deletes at once, the second waits on the row and then deletes nothing.
        deleted, _ = Subscription.objects.filter(user=user, channel=channel).delete()
        count = _shift(channel.pk, -1) if deleted else _count(channel.pk)
    return SubscriptionState(False, count, None)


def channel_subscribers_recount(*, channel: User) -> int:
    """Set the count to the rows (after rows went without the services, e.g. a deleted
    account's subscriptions, removed by the database's cascade)."""
    with transaction.atomic():
        ChannelProfile.objects.get_or_create(user_id=channel.pk)
        profile = ChannelProfile.objects.select_for_update().get(user_id=channel.pk)
        profile.subscribers = Subscription.objects.filter(channel_id=channel.pk).count()
        profile.save(update_fields=["subscribers", "updated_at"])
    return profile.subscribers


def _require_owner(channel: User, by: User | None) -> None:
    if not (by and by.is_authenticated and (by.pk == channel.pk or by.is_staff)):
        raise PermissionDenied("Only the channel's owner or staff may change it.")


# Channel images: (widths, aspect) for media_pipeline.images, which judges the upload (format
# by content, size and pixel limits on the header before decoding) and keeps pixels alone.
IMAGE_SHAPES = {"avatar": ((256,), (1, 1)), "banner": ((1600,), (4, 1))}
IMAGE_MAX_PIXELS = 40_000_000


def _store_image(channel: User, upload: IO[bytes], kind: str) -> str:
    widths, aspect = IMAGE_SHAPES[kind]
    try:
        pictures = reencode_image(
            upload.read(MAX_BYTES + 1), widths=widths, aspect=aspect, max_pixels=IMAGE_MAX_PIXELS
        )
    except ImageRejected as exc:
        raise ValidationError(str(exc)) from None
    picture = pictures[max(pictures)]
    # A new random name per upload: stored images never change, so they cache for good.
    name = f"channels/{channel.pk}/{kind}-{secrets.token_hex(12)}.{picture.extension}"
    return default_storage.save(name, ContentFile(picture.data))


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def channel_profile_update(
    *,
    channel: User,
    by: User,
    description: str | None = None,
    avatar: IO[bytes] | None = None,
    banner: IO[bytes] | None = None,
    remove_avatar: bool = False,
    remove_banner: bool = False,
) -> ChannelProfile:
    """Change a channel's page. Images are re-encoded before anything is stored; a replaced
    image's file is deleted once the change has committed."""
    _require_owner(channel, by)
    if description is not None and len(description) > 5000:
        raise ValidationError({"description": "At most 5,000 characters."})
    stored: dict[str, str] = {}
    for field, upload in (("avatar", avatar), ("banner", banner)):
        if upload is None:
            continue
        try:
            stored[field] = _store_image(channel, upload, field)
        except ValidationError as exc:
            _delete_files(list(stored.values()))
            raise ValidationError({field: exc.messages[0]}) from None
    if remove_avatar and "avatar" not in stored:
        stored["avatar"] = ""
    if remove_banner and "banner" not in stored:
        stored["banner"] = ""
    new_files = [name for name in stored.values() if name]
    try:
        with transaction.atomic():
            ChannelProfile.objects.get_or_create(user_id=channel.pk)
            profile = ChannelProfile.objects.select_for_update().get(user_id=channel.pk)
            old = [getattr(profile, f) for f in stored if getattr(profile, f)]
            for field, name in stored.items():
                setattr(profile, field, name)
            if description is not None:
                profile.description = description.strip()
            # Not `subscribers`: that moves only by F() with the rows it counts.
            profile.save(update_fields=[*stored, "description", "updated_at"])
            transaction.on_commit(lambda: _delete_files(old))
    except DatabaseError:
        _delete_files(new_files)
        raise
    return profile
