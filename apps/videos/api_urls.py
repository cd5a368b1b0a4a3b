from django.urls import path

from apps.videos import api
from apps.videos.studio.api import VideoThumbnailView
from apps.videos.uploads import tus

urlpatterns = [
    path("videos/", api.VideoListCreateView.as_view(), name="api-videos"),
    path("videos/<str:video_id>/", api.VideoDetailView.as_view(), name="api-video"),
    path(
        "videos/<str:video_id>/thumbnail/", VideoThumbnailView.as_view(), name="api-video-thumbnail"
    ),
    path("videos/<str:video_id>/views/", api.VideoViewBeaconView.as_view(), name="api-video-views"),
    path("uploads/", tus.TusCreateView.as_view(), name="tus-create"),
    path("uploads/<str:upload_id>", tus.TusUploadView.as_view(), name="tus-upload"),
]
