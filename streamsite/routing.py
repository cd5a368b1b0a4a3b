"""Every app's websocket routes, gathered for the ASGI router. An app's routes live in
`<app>.routing` unless its AppConfig names another module in `routing_module`."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps


def websocket_urlpatterns() -> list:
    patterns: list = []
    for config in apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        module = getattr(config, "routing_module", f"{config.name}.routing")
        if find_spec(module) is not None:
            patterns += import_module(module).websocket_urlpatterns
    return patterns
