from django.urls import path, re_path

from apps.videos import views
from apps.videos.delivery import media
from apps.videos.uploads.views import upload_page

urlpatterns = [
    path("", views.home, name="home"),
    path("upload/", upload_page, name="upload"),
    path("studio/", views.studio, name="studio"),
    path("studio/<str:video_id>/retry/", views.studio_retry, name="studio-retry"),
    path("watch/<str:video_id>/", views.watch, name="watch"),
    path("search/", views.search, name="search"),
    re_path(
        r"^media/(?P<key>[A-Za-z0-9_-]{1,16})/(?P<name>videos/.+)$",
        media.serve_media,
        name="media",
    ),
    re_path(r"^media/(?P<name>videos/.+)$", media.serve_current, name="media"),
]
