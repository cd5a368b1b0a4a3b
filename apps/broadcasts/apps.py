from django.apps import AppConfig


class BroadcastsConfig(AppConfig):
    name = "apps.broadcasts"
    label = "broadcasts"
    # /ws/site/ lives in push/ with its consumer, layer and events (streamsite.app_modules).
    routing_module = "apps.broadcasts.push.routing"
