"""Staff CMS for videos: status, errors, rungs; reprocess; deleting removes every stored file."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.videos import search, services
from apps.videos.models import PipelineTask, Rendition, ResumableUpload, Video, Visibility
from streamsite.admin_mixins import ReadOnlyAdminMixin


class RenditionInline(admin.TabularInline):
    model = Rendition
    extra = 0
    can_delete = False
    fields = ["name", "width", "height", "bandwidth", "average_bandwidth", "codecs", "generation"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "owner",
        "visibility",
        "status",
        "progress",
        "rungs",
        "short_error",
        "duration",
        "views",
        "created_at",
    ]
    list_filter = ["status", "visibility", "created_at"]
    search_fields = ["id", "title", "owner__username"]
    readonly_fields = [
        "id",
        "status",
        "progress",
        "error",
        "failed_parts",
        "generation",
        "source",
        "source_size",
        "original_filename",
        "duration",
        "width",
        "height",
        "fps",
        "demuxer",
        "has_audio",
        "master_playlist",
        "dash_manifest",
        "poster",
        "custom_thumbnails",
        "views",
        "created_at",
        "published_at",
        "processing_started_at",
        "processing_finished_at",
    ]
    exclude = ["plan", "thumbnails", "sprite_vtt"]
    inlines = [RenditionInline]
    actions = ["reprocess", "retry"]
    list_select_related = ["owner"]

    @admin.display(description="Rungs")
    def rungs(self, video: Video) -> str:
        names = [r.name for r in video.renditions.all() if r.generation == video.generation]
        return ", ".join(names) or "—"

    @admin.display(description="Error")
    def short_error(self, video: Video) -> str:
        return (video.error or "")[:80]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Video]:
        return super().get_queryset(request).prefetch_related("renditions")

    @admin.action(description="Reprocess selected videos from their uploads")
    def reprocess(self, request: HttpRequest, queryset: QuerySet[Video]) -> None:
        for video in queryset:
            services.video_reprocess(video=video, by=request.user)
        self.message_user(request, f"{queryset.count()} video(s) queued.", messages.SUCCESS)

    def save_model(self, request: HttpRequest, obj: Video, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Edited here rather than through the API: the search index must still follow.
        was_public = form.initial.get("visibility") == Visibility.PUBLIC
        search.video_reindex(video=obj, was_public=was_public)

    @admin.action(description="Retry what failed (a ready video keeps playing)")
    def retry(self, request: HttpRequest, queryset: QuerySet[Video]) -> None:
        retried = 0
        for video in queryset:
            try:
                services.video_retry(video=video, by=request.user)
                retried += 1
            except ValidationError as refused:
                self.message_user(request, f"{video}: {' '.join(refused.messages)}", messages.INFO)
        self.message_user(request, f"{retried} video(s) queued again.", messages.SUCCESS)

    @admin.display(description="Failed parts")
    def failed_parts(self, video: Video) -> str:
        failed = video.tasks.filter(generation=video.generation).exclude(failed_at=None)
        return "; ".join(f"{t}: {t.error}" for t in failed) or "—"

    def delete_model(self, request: HttpRequest, obj: Video) -> None:
        services.video_delete(video=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Video]) -> None:
        for video in queryset:
            services.video_delete(video=video, by=request.user)


@admin.register(PipelineTask)
class PipelineTaskAdmin(admin.ModelAdmin):
    list_display = [
        "video", "generation", "kind", "group", "index", "rung", "done_at", "failed_at", "error",
    ]  # fmt: skip
    list_filter = ["kind", "done_at", "failed_at"]
    search_fields = ["video__id", "video__title"]
    readonly_fields = [f.name for f in PipelineTask._meta.fields]


@admin.register(ResumableUpload)
class ResumableUploadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Uploads in progress, for operators answering "my upload is stuck"; they expire alone."""

    list_display = ["id", "owner", "offset", "length", "video_id", "touched_at"]
    search_fields = ["owner__username", "video_id"]
    readonly_fields = [f.name for f in ResumableUpload._meta.fields]
