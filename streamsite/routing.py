"""Every app's websocket routes, gathered for the ASGI router."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings


def websocket_urlpatterns() -> list:
    patterns: list = []
    for app in settings.INSTALLED_APPS:
        if app.startswith("apps.") and find_spec(f"{app}.routing") is not None:
            patterns += import_module(f"{app}.routing").websocket_urlpatterns
    return patterns
