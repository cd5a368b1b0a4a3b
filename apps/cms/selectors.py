"""Reads of the CMS: categories, tags, pages, moderation settings and the queue."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from apps.cms.models import (
    ActionKind,
    Category,
    ModerationAction,
    ModerationSettings,
    Page,
    Report,
    VideoCategory,
)
from apps.videos import selectors as videos
from apps.videos.models import ModerationState, Video


def category_list() -> QuerySet[Category]:
    return Category.objects.all()


def category_get(*, slug: str) -> Category:
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise Http404("No such category.")
    return category


def category_of(*, video: Video) -> Category | None:
    try:
        return video.category_link.category
    except VideoCategory.DoesNotExist:
        return None


def category_videos(*, category: Category) -> QuerySet[Video]:
    return videos.video_list_public().filter(category_link__category=category)


def tag_videos(*, tag: str) -> QuerySet[Video]:
    return videos.video_search(tag=tag)


def tags_of(*, video: Video) -> list[str]:
    return [t.strip() for t in video.tags.split(",") if t.strip()]


def page_get(*, slug: str) -> Page:
    page = Page.objects.filter(slug=slug, published=True).first()
    if page is None:
        raise Http404("No such page.")
    return page


def footer_pages() -> QuerySet[Page]:
    return Page.objects.filter(published=True, in_footer=True).only("slug", "title")


def moderation_settings() -> ModerationSettings:
    rules, _ = ModerationSettings.objects.get_or_create(pk=1)
    return rules


def report_open_count(*, video: Video) -> int:
    return Report.objects.filter(video=video, resolved_at__isnull=True).count()


def queue_videos() -> QuerySet[Video]:
    """Videos waiting for a moderator: open reports, held uploads, hidden pending review."""
    return (
        Video.objects.annotate(
            open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True))
        )
        .filter(Q(open_reports__gt=0) | Q(moderation_state=ModerationState.PENDING))
        .select_related("owner")
        .order_by("-open_reports", "-created_at")
    )


def warnings_for(*, user) -> QuerySet[ModerationAction]:
    return ModerationAction.objects.filter(target_user=user, kind=ActionKind.WARN).order_by(
        "-created_at"
    )
