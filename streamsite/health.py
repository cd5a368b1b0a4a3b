"""/healthz (the process serves), /readyz (every dependency answers and the node is not
draining: streamsite.ops.shutdown) and /metrics (operators only: an allowed address or the bearer
token)."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import uuid
from collections.abc import Awaitable, Callable

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connections
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django_prometheus.exports import ExportToDjangoView

from streamsite import broker
from streamsite.client_address import client_address
from streamsite.ops import shutdown

logger = logging.getLogger(__name__)


def _check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_storage() -> None:
    default_storage.exists(f"readyz/{uuid.uuid4().hex}")


async def _check_channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel("readyz.")
    await layer.send(channel, {"type": "readyz.ping"})
    await layer.receive(channel)


def _sync(check: Callable[[], None]) -> Callable[[], Awaitable[None]]:
    return sync_to_async(check, thread_sensitive=True)


CHECKS: dict[str, Callable[[], Awaitable[None]]] = {
    "database": _sync(_check_database),
    "channel_layer": _check_channel_layer,
    "broker": _sync(broker.ping),
    "storage": _sync(_check_storage),
}


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


async def readyz(request: HttpRequest) -> JsonResponse:
    if shutdown.is_draining():
        # Asked to stop: out of rotation first, while requests already sent still get served.
        return JsonResponse({"status": "draining", "failed": [], "checks": {}}, status=503)
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            await check()
        except Exception as exc:  # noqa: BLE001 - any failure of a dependency means "not ready"
            # The reason goes to the operators' log only: exception text names hosts, buckets.
            logger.warning("readiness check failed", extra={"check": name, "error": repr(exc)})
            results[name] = "fail"
        else:
            results[name] = "ok"
    failed = [name for name, result in results.items() if result != "ok"]
    body = {"status": "fail" if failed else "ok", "failed": failed, "checks": results}
    return JsonResponse(body, status=503 if failed else 200)


def _metrics_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer":
        return hmac.compare_digest(given.strip().encode(), token.encode())
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    networks = (ipaddress.ip_network(n, strict=False) for n in settings.METRICS_ALLOWED_IPS)
    return any(address in network for network in networks)


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text for operators: from METRICS_ALLOWED_IPS (default loopback), or with
    `Authorization: Bearer $METRICS_TOKEN`."""
    if not _metrics_allowed(request):
        return HttpResponseForbidden("Metrics are for operators.\n", content_type="text/plain")
    return ExportToDjangoView(request)
