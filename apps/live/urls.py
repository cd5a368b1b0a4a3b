from django.urls import path, re_path

from apps.live import views
from apps.live.delivery import media
from apps.live.ingest import hooks

urlpatterns = [
    path("live/<str:stream_id>/", views.live_watch, name="live-watch"),
    path("studio/live/", views.studio_live, name="studio-live"),
    path("studio/live/<str:stream_id>/", views.studio_live_detail, name="studio-live-detail"),
    path(
        "studio/live/<str:stream_id>/key/",
        views.studio_live_regenerate,
        name="studio-live-regenerate",
    ),
    path("studio/live/<str:stream_id>/end/", views.studio_live_end, name="studio-live-end"),
    path("live-hooks/on_publish", hooks.on_publish, name="live-hook-publish"),
    path("live-hooks/on_publish_done", hooks.on_publish_done, name="live-hook-publish-done"),
    re_path(r"^media/(?P<name>live/.+)$", media.serve_live_media, name="live-media"),
]
