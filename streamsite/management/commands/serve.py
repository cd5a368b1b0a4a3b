"""`manage.py serve`: a web node (Daphne: HTTP and websockets) that stops gracefully.

On SIGTERM or SIGINT the node first drains: /readyz answers 503 "draining" for SHUTDOWN_GRACE_S
while every other request and open websocket is still served, so the load balancer stops
sending it new work; then it stops. Websocket clients reconnect, to another node. A second
signal stops it at once. Proxy headers are never believed here (see PROXY_COUNT).
"""

from __future__ import annotations

import logging
import os
import signal

from django.conf import settings
from django.core.management.base import BaseCommand

from streamsite.ops import shutdown

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Serve the site with Daphne; on SIGTERM fail /readyz for SHUTDOWN_GRACE_S, then stop."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))

    def handle(self, *args, bind: str, port: int, **options) -> None:
        # daphne.server installs Twisted's asyncio reactor: it must come before the reactor.
        from daphne.endpoints import build_endpoint_description_strings
        from daphne.server import Server
        from twisted.internet import reactor

        from streamsite.asgi import application

        grace = settings.SHUTDOWN_GRACE_S

        def on_signal(signum: int, _frame) -> None:
            if shutdown.is_draining():
                reactor.callFromThread(reactor.stop)
                return
            shutdown.begin_drain()
            logger.info("draining", extra={"signal": signum, "grace_s": grace})
            reactor.callFromThread(reactor.callLater, grace, reactor.stop)

        server = Server(
            application=application,
            endpoints=build_endpoint_description_strings(host=bind, port=port),
            signal_handlers=False,
            action_logger=None,
            verbosity=0,
        )
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        self.stderr.write(f"serving on http://{bind}:{port} (graceful stop: {grace:g} s)")
        server.run()
        logger.info("stopped")
