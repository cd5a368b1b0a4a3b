"""Writes of the CMS's content: a video's category, home sections (each write invalidates the
cached home page) and pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from apps.cms import home
from apps.cms.models import Category, HomeSection, Page, SectionItem, VideoCategory
from apps.users.models import User
from apps.videos.models import Video
from apps.videos.selectors import video_can_manage


def video_set_category(*, video: Video, slug: str, by: User) -> Category | None:
    """The owner (or staff) picks the video's category; an empty slug clears it."""
    if not video_can_manage(video=video, user=by):
        raise PermissionDenied("Only the owner or staff may change this video.")
    if not slug:
        VideoCategory.objects.filter(video=video).delete()
        home.invalidate()
        return None
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise ValidationError({"category": f"No category {slug!r}."})
    VideoCategory.objects.update_or_create(video=video, defaults={"category": category})
    home.invalidate()
    return category


def category_save(*, category: Category) -> Category:
    category.full_clean()
    category.save()
    home.invalidate()
    return category


def category_delete(*, category: Category) -> None:
    category.delete()
    home.invalidate()


def section_save(*, section: HomeSection) -> HomeSection:
    if section.starts_at and section.ends_at and section.ends_at <= section.starts_at:
        raise ValidationError({"ends_at": "The end must come after the start."})
    section.full_clean()
    section.save()
    home.invalidate()
    return section


def section_delete(*, section: HomeSection) -> None:
    section.delete()
    home.invalidate()


@transaction.atomic
def section_set_videos(*, section: HomeSection, video_ids: list[str]) -> None:
    """Replace a Featured or hand-picked section's videos, in this order."""
    SectionItem.objects.filter(section=section).delete()
    known = set(Video.objects.filter(pk__in=video_ids).values_list("pk", flat=True))
    SectionItem.objects.bulk_create(
        [
            SectionItem(section=section, video_id=vid, position=i)
            for i, vid in enumerate(dict.fromkeys(video_ids))
            if vid in known
        ]
    )
    home.invalidate()


def section_items_changed() -> None:
    """After the admin's inline saved a section's videos."""
    home.invalidate()


def page_save(*, page: Page) -> Page:
    page.full_clean()
    page.save()
    return page
