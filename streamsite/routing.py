"""Every app's websocket routes, gathered for the ASGI router."""

from streamsite.app_modules import app_modules


def websocket_urlpatterns() -> list:
    patterns: list = []
    for module in app_modules("routing"):
        patterns += module.websocket_urlpatterns
    return patterns
