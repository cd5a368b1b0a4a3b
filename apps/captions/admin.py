"""Captions in the admin (the CMS): list, inspect and delete; the automatic-captions switch."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.captions import selectors, services
from apps.captions.models import Caption, CaptionSettings


@admin.register(Caption)
class CaptionAdmin(admin.ModelAdmin):
    list_display = ["video", "language", "label", "source", "cue_count", "updated_at"]
    list_filter = ["source", "language"]
    search_fields = ["video__id", "video__title", "language", "label"]
    list_select_related = ["video"]
    raw_id_fields = ["video"]
    # Files are made by the upload service; the admin only renames or deletes.
    readonly_fields = ["video", "language", "source", "vtt", "playlist", "cue_count",
                       "created_by", "created_at", "updated_at"]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Caption) -> None:
        services.caption_delete(caption=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Caption]) -> None:
        for caption in queryset.select_related("video"):
            services.caption_delete(caption=caption, by=request.user)


@admin.register(CaptionSettings)
class CaptionSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "automatic_for_new_uploads", "recognizer"]
    readonly_fields = ["recognizer"]

    @admin.display(description="Speech recognition")
    def recognizer(self, obj: CaptionSettings | None = None) -> str:
        return selectors.recognizer_missing() or "Installed: automatic captions can run."

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        missing = selectors.recognizer_missing()
        if missing and request.method == "GET":
            messages.warning(request, f"Automatic captions will not run: {missing}")
        return super().changeform_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not CaptionSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
