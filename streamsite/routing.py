"""Every app's websocket routes, gathered for the ASGI router."""

import logging
from importlib import import_module
from importlib.util import find_spec

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.urls import re_path

logger = logging.getLogger(__name__)


class NoRouteConsumer(AsyncWebsocketConsumer):
    """A handshake on a path nothing serves: refused (Daphne answers 403), logged as the
    client's mistake. Without it Channels' router raises and the server answers 500."""

    async def connect(self) -> None:
        logger.warning(
            "websocket path not found", extra={"path": self.scope.get("path"), "status": 404}
        )
        await self.close(code=4404)


def websocket_urlpatterns() -> list:
    patterns: list = []
    for app in settings.INSTALLED_APPS:
        if app.startswith("apps.") and find_spec(f"{app}.routing") is not None:
            patterns += import_module(f"{app}.routing").websocket_urlpatterns
    # Last: whatever no app claims.
    return [*patterns, re_path(r"", NoRouteConsumer.as_asgi())]
