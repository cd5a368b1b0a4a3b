from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "apps.videos"
    label = "videos"
    # Modules of a role that live in a sub-package (streamsite.app_modules finds them here).
    actors_module = "apps.videos.pipeline.actors"
    recovery_module = "apps.videos.pipeline.recovery"
    routing_module = "apps.videos.delivery.routing"
