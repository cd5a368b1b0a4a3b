"""The client's address, derived once per request, and the page's own websocket origin in CSP.

Nothing a client sends about itself is believed: `X-Forwarded-For` counts only when
`PROXY_COUNT` proxies are configured in front, and then only the entry the outermost trusted
proxy appended. `ClientAddressMiddleware` writes the result to `REMOTE_ADDR`, so django-axes,
DRF throttles, the sign-in throttles, view counting, the metrics allow-list and logs all key on
the same address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

PEER_KEY = "streamsite.peer_addr"


def derive(meta: dict, proxy_count: int) -> str:
    """The address the first trusted proxy saw, or the peer itself when none is trusted.

    With N proxies, the nearest is the peer and the other N-1 each appended the address they
    saw to X-Forwarded-For, after whatever the client wrote itself: the client is the N-th
    entry from the end. Too few entries means a proxy is missing; the peer is then all we know.
    """
    peer = meta.get(PEER_KEY) or meta.get("REMOTE_ADDR") or ""
    if proxy_count <= 0:
        return peer
    hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < proxy_count:
        return peer
    candidate = hops[-proxy_count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer


def client_address(request: HttpRequest) -> str:
    """The derived address (also django-axes's AXES_CLIENT_IP_CALLABLE)."""
    if PEER_KEY not in request.META:
        request.META[PEER_KEY] = request.META.get("REMOTE_ADDR", "")
        request.META["REMOTE_ADDR"] = derive(request.META, settings.PROXY_COUNT)
    return request.META["REMOTE_ADDR"]


class ClientAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        client_address(request)
        return self.get_response(request)


class CspOwnWebsocketMiddleware:
    """connect-src gets this site's own ws:// and wss:// origin (the host Django validated
    against ALLOWED_HOSTS), never any websocket host. Listed after CSPMiddleware, so its
    response pass runs first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "text/html" in response.get("Content-Type", ""):
            try:
                host = request.get_host()
            except DisallowedHost:
                return response
            update = dict(getattr(response, "_csp_update", None) or {})
            extra = list(update.get("connect-src", []))
            update["connect-src"] = [*extra, f"ws://{host}", f"wss://{host}"]
            response._csp_update = update
        return response
