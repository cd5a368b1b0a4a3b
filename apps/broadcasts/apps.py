from django.apps import AppConfig


class BroadcastsConfig(AppConfig):
    name = "apps.broadcasts"
    label = "broadcasts"
    # /ws/site/ lives in push/ with its consumer, layer and events (streamsite.app_modules).
    routing_module = "apps.broadcasts.push.routing"

    def ready(self) -> None:
        from django.conf import settings

        from apps.broadcasts.push.layers import site_layer_setting

        # /ws/site/'s own channel layer, alias "site" (Redis Pub/Sub: docs/benchmarks.md).
        # Derived from the default layer here, before any layer is built, because settings.py
        # is at the house's 400-line limit; a deployment may still set CHANNEL_LAYERS["site"].
        layers = settings.CHANNEL_LAYERS
        layers.setdefault("site", site_layer_setting(layers["default"]))
