from django.contrib import admin

from apps.history.models import HistorySettings, WatchEntry


@admin.register(WatchEntry)
class WatchEntryAdmin(admin.ModelAdmin):
    list_display = ["user", "video", "position_s", "done", "updated_at"]
    list_filter = ["done"]
    search_fields = ["user__username", "video__title"]
    raw_id_fields = ["user", "video"]


@admin.register(HistorySettings)
class HistorySettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "paused", "updated_at"]
    list_filter = ["paused"]
    raw_id_fields = ["user"]
