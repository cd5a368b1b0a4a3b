"""What the CMS adds to an upload: pre-moderation of new accounts and the chosen category.

Registered on apps.videos.services' hooks in CmsConfig.ready, so videos never imports cms.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.cms.models import ActionKind, Category, ModerationAction, VideoCategory
from apps.cms.selectors import moderation_settings
from apps.videos.models import ModerationState, Video


def premoderate(video: Video, extra: Mapping[str, str]) -> None:
    """Hold a new account's upload for review when staff turned pre-moderation on."""
    rules = moderation_settings()
    owner = video.owner
    if not rules.premoderate_new_accounts or owner.is_staff:
        return
    if owner.date_joined >= timezone.now() - timedelta(days=rules.new_account_days):
        video.moderation_state = ModerationState.PENDING
        video.moderation_reason = "Uploads of new accounts are reviewed before they are shown."


def check_category(extra: Mapping[str, str]) -> None:
    slug = (extra.get("category") or "").strip()
    if slug and not Category.objects.filter(slug=slug).exists():
        raise ValidationError({"category": f"No category {slug!r}."})


def categorise(video: Video, extra: Mapping[str, str]) -> None:
    slug = (extra.get("category") or "").strip()
    if video.moderation_state == ModerationState.PENDING:
        ModerationAction.objects.create(
            kind=ActionKind.HOLD, video_id=video.id, subject=video.title, target_user=video.owner
        )
    if not slug:
        return
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise ValidationError({"category": f"No category {slug!r}."})
    VideoCategory.objects.create(video=video, category=category)
