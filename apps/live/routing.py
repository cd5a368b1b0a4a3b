from django.urls import path

from apps.live import consumers

websocket_urlpatterns = [
    path("ws/live/<str:stream_id>/", consumers.LiveConsumer.as_asgi()),
]
