"""HTTP and websockets in one ASGI application (served by Daphne)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "streamsite.settings")

from streamsite.http import get_http_application

django_asgi_app = get_http_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402 - needs the app registry ready
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from streamsite.routing import websocket_urlpatterns  # noqa: E402
from streamsite.startup import on_server_start  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns()))
        ),
    }
)

on_server_start()
