"""The email digest: one email per user who chose it, listing the notifications still unread
that arrived since their last digest. A housekeeping chore (streamsite/housekeeping.py) runs it
every NOTIFICATION_DIGEST_INTERVAL_S; Django's email settings say how mail leaves."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.notifications.models import EmailChoice, NotificationSettings
from apps.notifications.selectors import unread_for_digest

logger = logging.getLogger(__name__)

MAX_ITEMS = 50


def send_digests(*, now: datetime | None = None) -> int:
    """Send the digests due; how many emails went out. Safe in several processes at once: a
    user's settings row is locked (and skipped by the others) while their digest is sent."""
    now = now or timezone.now()
    due = (
        NotificationSettings.objects.filter(email=EmailChoice.DIGEST, user__is_active=True)
        .exclude(user__email="")
        .values_list("user_id", flat=True)
    )
    sent = 0
    for user_id in list(due):
        if _send_one(user_id, now):
            sent += 1
    if sent:
        logger.info("notification digests sent", extra={"count": sent})
    return sent


def _send_one(user_id: int, now: datetime) -> bool:
    with transaction.atomic():
        row = (
            NotificationSettings.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk=user_id, email=EmailChoice.DIGEST)
            .first()
        )
        if row is None:
            return False
        unread = unread_for_digest(user=row.user, since=row.last_digest_at, until=now)
        total = unread.count()
        if not total:
            return False
        items = list(unread.order_by("-created_at")[:MAX_ITEMS])
        context = {
            "user": row.user,
            "items": items,
            "total": total,
            "more": total - len(items),
            "site_url": settings.SITE_URL.rstrip("/"),
        }
        send_mail(
            subject=f"{total} new notification{'s' if total != 1 else ''} on Streamsite",
            message=render_to_string("notifications/digest_email.txt", context),
            from_email=None,  # DEFAULT_FROM_EMAIL
            recipient_list=[row.user.email],
        )
        # A failed send raises before this: the next run tries again with the same items.
        row.last_digest_at = now
        row.save(update_fields=["last_digest_at"])
    return True
