from django.contrib import admin

from apps.live.models import LiveStream


@admin.register(LiveStream)
class LiveStreamAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "status", "publisher_connected", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "owner__username"]
    readonly_fields = [
        "stream_key", "health", "rungs", "recording_parts", "recording_video", "video",
    ]  # fmt: skip
