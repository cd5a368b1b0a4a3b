from django.urls import path

from apps.broadcasts.push import consumers

websocket_urlpatterns = [path("ws/site/", consumers.SiteConsumer.as_asgi())]
