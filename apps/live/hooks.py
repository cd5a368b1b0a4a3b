"""The key check for an external RTMP front end (nginx-rtmp's on_publish / on_publish_done).

nginx-rtmp accepts a publisher on a 2xx answer and drops it on a 4xx. Callers are trusted by
address (LIVE_HOOK_ALLOWED_IPS, loopback by default) or a shared token (LIVE_HOOK_TOKEN).
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
        services.live_publish_begin(stream_key=request.POST.get("name", ""))
    except services.PublishRefused as refused:
        return HttpResponse(str(refused), status=403, content_type="text/plain")
    return HttpResponse("OK", content_type="text/plain")


@csrf_exempt
@require_POST
def on_publish_done(request: HttpRequest) -> HttpResponse:
    if not _trusted(request):
        return HttpResponse("Forbidden.", status=403)
    stream = LiveStream.objects.filter(stream_key=request.POST.get("name", "")).first()
    if stream is None:
        return HttpResponse("Unknown stream key.", status=404, content_type="text/plain")
    services.live_publish_end(stream_id=stream.id, session=stream.publisher_session)
    return HttpResponse("OK", content_type="text/plain")
