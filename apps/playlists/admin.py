from django.contrib import admin

from apps.playlists.models import Playlist, PlaylistItem


class PlaylistItemInline(admin.TabularInline):
    model = PlaylistItem
    raw_id_fields = ["video"]
    extra = 0
    ordering = ["position"]
    readonly_fields = ["position", "added_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        # Positions are the services' to give (dense, under the playlist's lock).
        return False


@admin.register(Playlist)
class PlaylistAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "kind", "visibility", "updated_at"]
    list_filter = ["kind", "visibility"]
    search_fields = ["title", "owner__username"]
    raw_id_fields = ["owner"]
    inlines = [PlaylistItemInline]
