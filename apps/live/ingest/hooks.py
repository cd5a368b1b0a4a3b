"""The key check for an external RTMP front end (nginx-rtmp's on_publish / on_publish_done).

nginx-rtmp accepts a publisher on a 2xx answer and drops it on a 4xx. It relays accepted
streams to `manage.py live_ingest` (deploy/nginx-rtmp.conf), which claims the key, encodes,
records and releases it; so on_publish only checks, and on_publish_done only acknowledges.
Callers are trusted by address (LIVE_HOOK_ALLOWED_IPS, loopback by default) or a shared token
(LIVE_HOOK_TOKEN).
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.live import services
from apps.live.models import LiveStream


def _trusted(request: HttpRequest) -> bool:
    token = getattr(settings, "LIVE_HOOK_TOKEN", "")
    given = request.GET.get("token", "")
    if token and given and hmac.compare_digest(token, given):
        return True
    allowed = getattr(settings, "LIVE_HOOK_ALLOWED_IPS", ["127.0.0.1", "::1"])
    return request.META.get("REMOTE_ADDR", "") in allowed


@csrf_exempt
@require_POST
def on_publish(request: HttpRequest) -> HttpResponse:
    if not _trusted(request):
        return HttpResponse("Forbidden.", status=403)
    try:
        services.live_publish_check(stream_key=request.POST.get("name", ""))
    except services.PublishRefused as refused:
        return HttpResponse(str(refused), status=403, content_type="text/plain")
    return HttpResponse("OK", content_type="text/plain")


@csrf_exempt
@require_POST
def on_publish_done(request: HttpRequest) -> HttpResponse:
    """Acknowledged only: the relayed connection's end releases the key in the ingest, and a
    reconnect within the grace continues the stream."""
    if not _trusted(request):
        return HttpResponse("Forbidden.", status=403)
    if not LiveStream.objects.filter(stream_key=request.POST.get("name", "")).exists():
        return HttpResponse("Unknown stream key.", status=404, content_type="text/plain")
    return HttpResponse("OK", content_type="text/plain")
