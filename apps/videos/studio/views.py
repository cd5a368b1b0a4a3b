"""The studio's pages: the list (search, sort, bulk actions), edit, thumbnail, delete.

Server-rendered forms that work without JavaScript (static/js/studio.js only enhances).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.videos import services
from apps.videos.models import Video
from apps.videos.studio import services as studio_services
from apps.videos.studio.forms import (
    FORM_OVERHEAD,
    BulkDeleteForm,
    BulkVisibilityForm,
    StudioFilterForm,
    ThumbnailForm,
    VideoEditForm,
)
from apps.videos.studio.selectors import (
    DEFAULT_SORT,
    studio_videos,
    video_get_for_manager,
    videos_managed_by,
)
from media_pipeline.images import MAX_BYTES

PAGE_SIZE = 20
EDITABLE = ("title", "description", "tags", "visibility", "content_warning", "downloads_enabled")


def _managed_video(request: HttpRequest, video_id: str) -> Video:
    return video_get_for_manager(video_id=video_id, user=request.user)


def _refusal(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def studio(request: HttpRequest) -> HttpResponse:
    filters = StudioFilterForm(request.GET or None)
    query, sort = "", DEFAULT_SORT
    if filters.is_valid():
        query, sort = filters.cleaned_data["q"], filters.cleaned_data["sort"] or DEFAULT_SORT
    videos = studio_videos(user=request.user, sort=sort, query=query)
    page = Paginator(videos, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "videos/studio.html",
        {
            "page": page,
            "videos": page.object_list,
            "filters": filters,
            "query": query,
            "sort": sort,
            "highlight": request.GET.get("highlight", ""),
            "visibilities": BulkVisibilityForm.base_fields["visibility"].choices,
        },
    )


@login_required
def studio_edit(request: HttpRequest, video_id: str) -> HttpResponse:
    video = _managed_video(request, video_id)
    initial = {field: getattr(video, field) for field in EDITABLE}
    form = VideoEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {f: form.cleaned_data[f] for f in form.changed_data if f in EDITABLE}
        try:
            if changed:
                services.video_update(video=video, by=request.user, **changed)
        except ValidationError as refused:
            form.add_error(None, _refusal(refused))
        else:
            messages.success(request, f"Saved “{video.title}”.")
            return redirect("studio-edit", video_id=video.id)
    return render(
        request,
        "videos/studio_edit.html",
        {"video": video, "form": form, "thumbnail_form": ThumbnailForm()},
    )


@login_required
@require_POST
def studio_thumbnail(request: HttpRequest, video_id: str) -> HttpResponse:
    video = _managed_video(request, video_id)
    # Judged on the declared length before the body is read (and spooled to disk).
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BYTES + FORM_OVERHEAD:
        messages.error(request, f"Thumbnail not changed: it is over {MAX_BYTES // 2**20} MB.")
        return redirect("studio-edit", video_id=video.id)
    form = ThumbnailForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            data = form.cleaned_data["file"].read(MAX_BYTES + 1)
            studio_services.video_thumbnail_set(video=video, by=request.user, data=data)
        except ValidationError as refused:
            messages.error(request, f"Thumbnail not changed: {_refusal(refused)}")
        else:
            messages.success(request, "The new thumbnail is in place.")
    else:
        reasons = [e for errors in form.errors.values() for e in errors]
        messages.error(request, f"Thumbnail not changed: {' '.join(reasons)}")
    return redirect("studio-edit", video_id=video.id)


@login_required
@require_POST
def studio_thumbnail_reset(request: HttpRequest, video_id: str) -> HttpResponse:
    video = _managed_video(request, video_id)
    studio_services.video_thumbnail_clear(video=video, by=request.user)
    messages.success(request, "The automatic poster is back.")
    return redirect("studio-edit", video_id=video.id)


@login_required
def studio_delete(request: HttpRequest, video_id: str) -> HttpResponse:
    """GET: a confirmation naming the video; POST: deletion of the row and every file."""
    video = _managed_video(request, video_id)
    if request.method == "POST":
        services.video_delete(video=video, by=request.user)
        messages.success(request, f"“{video.title}” was deleted.")
        return redirect("studio")
    return render(
        request,
        "videos/studio_delete.html",
        {"videos": [video], "bulk": False, "action": reverse("studio-delete", args=[video.id])},
    )


def _bulk_data(request: HttpRequest) -> tuple[QueryDict, list[tuple[str, str]]]:
    """The posted form with only the selected videos this user manages, and those as
    (id, title) choices."""
    videos = videos_managed_by(ids=request.POST.getlist("ids"), user=request.user)
    data = request.POST.copy()
    data.setlist("ids", [v.id for v in videos])
    return data, [(v.id, v.title) for v in videos]


@login_required
@require_POST
def studio_bulk_visibility(request: HttpRequest) -> HttpResponse:
    data, choices = _bulk_data(request)
    form = BulkVisibilityForm(data, choices=choices)
    if not form.is_valid():
        messages.error(request, "Select videos and a visibility first.")
        return redirect("studio")
    changed = studio_services.videos_set_visibility(
        ids=form.cleaned_data["ids"], visibility=form.cleaned_data["visibility"], by=request.user
    )
    messages.success(request, f"Visibility changed for {changed} video(s).")
    return redirect("studio")


@login_required
@require_POST
def studio_bulk_delete(request: HttpRequest) -> HttpResponse:
    """The selection's confirmation page, naming every video; nothing is deleted yet."""
    data, choices = _bulk_data(request)
    form = BulkDeleteForm(data, choices=choices)
    if not form.is_valid():
        messages.error(request, "Select the videos to delete first.")
        return redirect("studio")
    chosen = set(form.cleaned_data["ids"])
    videos = [{"id": pk, "title": title} for pk, title in choices if pk in chosen]
    return render(
        request,
        "videos/studio_delete.html",
        {"videos": videos, "bulk": True, "action": reverse("studio-bulk-delete-confirm")},
    )


@login_required
@require_POST
def studio_bulk_delete_confirmed(request: HttpRequest) -> HttpResponse:
    data, choices = _bulk_data(request)
    form = BulkDeleteForm(data, choices=choices)
    if not form.is_valid():
        messages.error(request, "Select the videos to delete first.")
        return redirect("studio")
    deleted = studio_services.videos_delete(ids=form.cleaned_data["ids"], by=request.user)
    messages.success(request, f"{deleted} video(s) deleted.")
    return redirect("studio")
