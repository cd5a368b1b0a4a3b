from django.contrib import admin

from apps.reactions.models import Reaction, Vote


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ["video", "user", "liked", "updated_at"]
    list_filter = ["liked"]
    raw_id_fields = ["video", "user"]


@admin.register(Reaction)
class ReactionAdmin(admin.ModelAdmin):
    list_display = ["video", "user", "emoji", "video_time", "created_at"]
    list_filter = ["emoji"]
    raw_id_fields = ["video", "user"]
