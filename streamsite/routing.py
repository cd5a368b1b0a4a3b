"""Every app's websocket routes, gathered for the ASGI router."""

import logging

from channels.generic.websocket import AsyncWebsocketConsumer
from django.urls import re_path

from streamsite.app_modules import app_modules

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
    for module in app_modules("routing"):
        patterns += module.websocket_urlpatterns
    # Last: whatever no app claims.
    return [*patterns, re_path(r"", NoRouteConsumer.as_asgi())]
