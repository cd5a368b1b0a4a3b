from django.contrib import admin

from apps.notifications.models import Announcement, Notification, NotificationSettings


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "subject", "created_at", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user", "video", "live_stream", "comment", "actor"]
    search_fields = ["user__username", "subject"]
    date_hierarchy = "created_at"


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["kind", "subject", "channel", "created_at", "done_at", "recipients"]
    list_filter = ["kind"]
    raw_id_fields = ["channel"]
    search_fields = ["subject", "channel__username"]


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "last_digest_at"]
    list_filter = ["email"]
    raw_id_fields = ["user"]
    search_fields = ["user__username"]
