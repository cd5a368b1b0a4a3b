from django.urls import path

from apps.videos.delivery import consumers

websocket_urlpatterns = [
    path("ws/videos/<str:video_id>/", consumers.VideoConsumer.as_asgi()),
    path("ws/studio/", consumers.StudioConsumer.as_asgi()),
]
