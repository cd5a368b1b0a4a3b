"""Live pages: the viewer's /live/<id>/ and the creator's studio section."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.live import selectors, services
from apps.live.forms import LiveStreamForm


def live_watch(request: HttpRequest, stream_id: str) -> HttpResponse:
    stream = selectors.live_get(stream_id=stream_id)
    return render(
        request,
        "live/watch.html",
        {
            "stream": stream,
            "live_stream": stream,  # the broadcasts' page scope
            "video": selectors.live_social_video(stream=stream, user=request.user),
            "hls_url": selectors.live_hls_url(stream),
            "can_manage": selectors.live_can_manage(stream=stream, user=request.user),
            "low_latency": settings.LIVE_LOW_LATENCY,
        },
    )


@login_required
def studio_live(request: HttpRequest) -> HttpResponse:
    form = LiveStreamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            stream = services.live_create(owner=request.user, **form.cleaned_data)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("studio-live-detail", stream_id=stream.id)
    streams = selectors.live_list_for_owner(user=request.user)
    return render(request, "live/studio_list.html", {"form": form, "streams": streams})


def _own_stream(request: HttpRequest, stream_id: str):
    stream = selectors.live_get(stream_id=stream_id)
    if not selectors.live_can_manage(stream=stream, user=request.user):
        raise Http404("No such live stream.")
    return stream


@login_required
def studio_live_detail(request: HttpRequest, stream_id: str) -> HttpResponse:
    stream = _own_stream(request, stream_id)
    return render(
        request,
        "live/studio_detail.html",
        {
            "stream": stream,
            "ingest_url": selectors.live_ingest_url(request),
            "hls_url": selectors.live_hls_url(stream),
            "show_key": request.user.pk == stream.owner_id,
        },
    )


@login_required
@require_POST
def studio_live_regenerate(request: HttpRequest, stream_id: str) -> HttpResponse:
    stream = _own_stream(request, stream_id)
    services.live_regenerate_key(stream=stream, by=request.user)
    messages.success(request, "A new stream key was made; the old one no longer works.")
    return redirect("studio-live-detail", stream_id=stream.id)


@login_required
@require_POST
def studio_live_end(request: HttpRequest, stream_id: str) -> HttpResponse:
    stream = _own_stream(request, stream_id)
    services.live_end(stream_id=stream.id, by=request.user)
    messages.success(request, "The stream has ended; its recording is being processed.")
    return redirect("studio-live-detail", stream_id=stream.id)
