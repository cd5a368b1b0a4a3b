"""The moderators' page: issue and end broadcasts, set content warnings, read the log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.broadcasts import selectors, services
from apps.broadcasts.forms import BroadcastForm, ContentWarningForm
from apps.broadcasts.models import Broadcast
from apps.videos.models import Video


def _require_issuer(request: HttpRequest) -> None:
    if not selectors.broadcast_can_issue(request.user):
        raise PermissionDenied("Only moderators and staff may issue broadcasts.")


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _video(form, field: str = "video") -> Video | None:
    video_id = form.cleaned_data.get(field)
    if not video_id:
        return None
    video = Video.objects.filter(pk=video_id).first()
    if video is None:
        form.add_error(field, "No such video.")
    return video


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    _require_issuer(request)
    form = BroadcastForm(request.POST or None, prefix="b")
    if request.method == "POST" and form.is_valid():
        video = _video(form)
        if not form.errors:
            data = form.cleaned_data
            try:
                services.broadcast_issue(
                    by=request.user,
                    message=data["message"],
                    severity=data["severity"],
                    display=data["display"],
                    link=data["link"],
                    video=video,
                    starts_at=data["starts_at"],
                    expires_at=data["expires_at"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "Broadcast issued.")
                return redirect("moderation-broadcasts")
    return render(
        request,
        "broadcasts/moderation.html",
        {
            "form": form,
            "warning_form": ContentWarningForm(prefix="cw"),
            "broadcasts": selectors.broadcast_list_recent(),
            "log": selectors.broadcast_log_recent(),
        },
    )


@login_required
@require_POST
def end(request: HttpRequest, broadcast_id: int) -> HttpResponse:
    _require_issuer(request)
    try:
        services.broadcast_end(broadcast_id=broadcast_id, by=request.user)
    except Broadcast.DoesNotExist:
        messages.error(request, "No such broadcast.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Broadcast ended.")
    return redirect("moderation-broadcasts")


@login_required
@require_POST
def content_warning(request: HttpRequest) -> HttpResponse:
    _require_issuer(request)
    form = ContentWarningForm(request.POST, prefix="cw")
    if form.is_valid():
        video = _video(form)
        if video is not None:
            services.content_warning_set(
                video=video, reason=form.cleaned_data["content_warning"], by=request.user
            )
            messages.success(request, f"Content warning updated on “{video.title}”.")
            return redirect("moderation-broadcasts")
    messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("moderation-broadcasts")
