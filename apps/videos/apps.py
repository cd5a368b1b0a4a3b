from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "apps.videos"
    label = "videos"
    # The pipeline's actors and the websocket routes live in sub-packages; the broker and the
    # ASGI router find them here (see docs/architecture.md).
    actors_module = "apps.videos.pipeline.actors"
    routing_module = "apps.videos.delivery.routing"
