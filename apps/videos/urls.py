from django.urls import path, re_path

from apps.videos import views
from apps.videos.delivery import media
from apps.videos.studio import views as studio
from apps.videos.studio.downloads import download_original
from apps.videos.uploads.views import upload_page

urlpatterns = [
    path("", views.home, name="home"),
    path("upload/", upload_page, name="upload"),
    path("studio/", studio.studio, name="studio"),
    path("studio/videos/<str:video_id>/edit/", studio.studio_edit, name="studio-edit"),
    path(
        "studio/videos/<str:video_id>/thumbnail/", studio.studio_thumbnail, name="studio-thumbnail"
    ),
    path(
        "studio/videos/<str:video_id>/thumbnail/reset/",
        studio.studio_thumbnail_reset,
        name="studio-thumbnail-reset",
    ),
    path("studio/videos/<str:video_id>/delete/", studio.studio_delete, name="studio-delete"),
    path("studio/bulk/visibility/", studio.studio_bulk_visibility, name="studio-bulk-visibility"),
    path("studio/bulk/delete/", studio.studio_bulk_delete, name="studio-bulk-delete"),
    path(
        "studio/bulk/delete/confirm/",
        studio.studio_bulk_delete_confirmed,
        name="studio-bulk-delete-confirm",
    ),
    path("studio/<str:video_id>/retry/", views.studio_retry, name="studio-retry"),
    path("watch/<str:video_id>/", views.watch, name="watch"),
    path("watch/<str:video_id>/download/<str:key>/", download_original, name="video-download"),
    path("search/", views.search, name="search"),
    re_path(
        r"^media/(?P<key>[A-Za-z0-9_-]{1,16})/(?P<name>videos/.+)$",
        media.serve_media,
        name="media",
    ),
    re_path(r"^media/(?P<name>videos/.+)$", media.serve_current, name="media"),
]
