from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "apps.live"
    label = "live"
    # Modules of a role that live in a sub-package (streamsite.app_modules finds them here).
    actors_module = "apps.live.recording.actors"
    routing_module = "apps.live.delivery.routing"
