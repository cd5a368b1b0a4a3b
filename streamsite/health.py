"""/healthz (the process serves) and /readyz (every dependency answers)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.core.files.storage import default_storage
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse

from streamsite import broker

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
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            await check()
        except Exception as exc:  # noqa: BLE001 - any failure of a dependency means "not ready"
            logger.warning("readiness check failed", extra={"check": name, "error": repr(exc)})
            results[name] = f"error: {exc.__class__.__name__}: {exc}"
        else:
            results[name] = "ok"
    failed = [name for name, result in results.items() if result != "ok"]
    body = {"status": "fail" if failed else "ok", "failed": failed, "checks": results}
    return JsonResponse(body, status=503 if failed else 200)
