from django.urls import path

from apps.captions import api

urlpatterns = [
    path("videos/<str:video_id>/captions/", api.VideoCaptionsView.as_view(), name="api-captions"),
    path(
        "videos/<str:video_id>/captions/<int:caption_id>/",
        api.CaptionView.as_view(),
        name="api-caption",
    ),
]
