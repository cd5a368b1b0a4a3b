from django.apps import AppConfig


class PlaylistsConfig(AppConfig):
    name = "apps.playlists"
    label = "playlists"
    default_auto_field = "django.db.models.BigAutoField"
