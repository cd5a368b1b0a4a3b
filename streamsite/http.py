"""Django's HTTP side under Daphne, with sync views served in one hop to a thread pool.

Django's ASGI handler runs a sync view's request in a thread made for that request (its
thread-sensitive context), and reaches it three times: the request-started signal, the
middleware and view, the response's close. On this machine that was 3–4 ms of CPU per request
before the view did anything (a bare ASGI app answers in 0.4 ms), a quarter to a half of a
cached page's cost, and a new thread (so a new database connection without the pool) every
time. Here a sync view's request is served as under a WSGI server: signal, middleware, view and
close in one call on one of WEB_THREADS reused threads, which keep their connections.

Async views (LL-HLS blocking playlist reloads, /readyz) keep Django's own path, as do
responses that stream: those are closed after they are sent.
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from tempfile import SpooledTemporaryFile
from typing import Any

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import FileResponse, HttpResponseBase
from django.urls import Resolver404, get_resolver, set_script_prefix


class _SyncHandler(BaseHandler):
    """The middleware chain built for sync code, as a WSGI server's handler builds it."""

    def __init__(self) -> None:
        super().__init__()
        self.load_middleware(is_async=False)


@functools.lru_cache(maxsize=4096)
def _async_view(path: str) -> bool:
    try:
        match = get_resolver().resolve(path)
    except Resolver404:
        return False  # the 404 page is a sync view
    return iscoroutinefunction(match.func)


class OneHopASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        super().__init__()
        self._sync = _SyncHandler()
        threads = ThreadPoolExecutor(max_workers=settings.WEB_THREADS, thread_name_prefix="http")
        # sync_to_async (not a bare executor call) so that async_to_sync in a view (a push on
        # commit) runs on this server's event loop, as it does under Django's own handler.
        in_pool = functools.partial(sync_to_async, thread_sensitive=False, executor=threads)
        self._respond_in_pool = in_pool(self._respond)
        self._close_in_pool = in_pool(self._close)

    async def handle(self, scope: dict, receive, send) -> None:
        path = scope["path"].removeprefix(scope.get("root_path", "")) or "/"
        if _async_view(path):
            await super().handle(scope, receive, send)
            return
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        response = await self._respond_in_pool(scope, body_file)
        try:
            await self.send_response(response, send)
        finally:
            if response.streaming:
                await self._close_in_pool(response, body_file)

    def _respond(self, scope: dict, body_file: SpooledTemporaryFile) -> HttpResponseBase:
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self._sync.get_response(request)
            response._handler_class = self.__class__
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        if not response.streaming:
            # The body is in memory: closing now (request_finished: connections returned)
            # saves a second trip to a thread after sending.
            self._close(response, body_file)
        return response

    @staticmethod
    def _close(response: HttpResponseBase, body_file: Any) -> None:
        try:
            response.close()
        finally:
            body_file.close()


def get_http_application() -> OneHopASGIHandler:
    """Like django.core.asgi.get_asgi_application: set Django up, then build the handler."""
    import django

    django.setup(set_prefix=False)
    return OneHopASGIHandler()
