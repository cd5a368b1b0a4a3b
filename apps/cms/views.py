"""CMS pages: the sectioned home, category and tag pages, simple pages, reporting a video,
and the owner's category and tags form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.cms import home as home_sections
from apps.cms import moderation, selectors
from apps.cms.sanitize import render_page_body
from apps.cms.services import video_set_category
from apps.videos import selectors as video_selectors
from apps.videos import services as video_services
from apps.videos import views as video_views
from streamsite import page_cache


@page_cache.anonymous_page()  # the same for every anonymous viewer (rows and the feed)
def home(request: HttpRequest) -> HttpResponse:
    rows = home_sections.home_rows(request)
    if not rows:
        # Nothing arranged (or nothing in force): the plain feed stays the home page.
        return video_views.home(request)
    return render(request, "cms/home.html", {"rows": rows})


def _video_list_page(request, template: str, videos, **context) -> HttpResponse:
    page = Paginator(videos, 24).get_page(request.GET.get("page"))
    return render(request, template, {"page": page, "videos": page.object_list, **context})


def categories(request: HttpRequest) -> HttpResponse:
    return render(request, "cms/categories.html", {"categories": selectors.category_list()})


@page_cache.anonymous_page()
def category(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.category_get(slug=slug)
    videos = selectors.category_videos(category=found)
    return _video_list_page(request, "cms/category.html", videos, category=found)


@page_cache.anonymous_page()
def tag(request: HttpRequest, tag: str) -> HttpResponse:
    videos = selectors.tag_videos(tag=tag)
    return _video_list_page(request, "cms/tag.html", videos, tag=tag)


def page(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.page_get(slug=slug)
    return render(
        request,
        "cms/page.html",
        {"page": found, "body": render_page_body(found.body, found.format)},
    )


@login_required
@require_POST
def report_video(request: HttpRequest, video_id: str) -> HttpResponse:
    video = video_selectors.video_get_for_viewer(video_id=video_id, user=request.user)
    try:
        moderation.report_video(
            video=video,
            by=request.user,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Thank you: moderators will review this video.")
    return redirect(video.get_absolute_url())


@login_required
def video_topics(request: HttpRequest, video_id: str) -> HttpResponse:
    """The owner's form for a video's category and tags."""
    video = video_selectors.video_get_for_viewer(video_id=video_id, user=request.user)
    if not video_selectors.video_can_manage(video=video, user=request.user):
        raise PermissionDenied("Only the owner or staff may change this video.")
    errors: list[str] = []
    if request.method == "POST":
        try:
            video_set_category(video=video, slug=request.POST.get("category", ""), by=request.user)
            video_services.video_update(
                video=video, by=request.user, tags=request.POST.get("tags", "")[:500]
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "Category and tags saved.")
            return redirect(video.get_absolute_url())
    current = selectors.category_of(video=video)
    return render(
        request,
        "cms/video_topics.html",
        {
            "video": video,
            "categories": selectors.category_list(),
            "current": current.slug if current else "",
            "errors": errors,
        },
        status=400 if errors else 200,
    )
