from django.urls import path

from apps.live.delivery import consumers

websocket_urlpatterns = [
    path("ws/live/<str:stream_id>/", consumers.LiveConsumer.as_asgi()),
]
