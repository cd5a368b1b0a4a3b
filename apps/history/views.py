"""The /history/ page: list, search, remove one, clear all, pause. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.history import selectors, services


@login_required
def history_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    entries = selectors.history_list(user=request.user, query=query)
    page = Paginator(entries, 24).get_page(request.GET.get("page"))
    return render(
        request,
        "history/history.html",
        {
            "page": page,
            "entries": page.object_list,
            "query": query,
            "paused": services.history_is_paused(user=request.user),
        },
    )


@login_required
@require_POST
def history_clear(request: HttpRequest) -> HttpResponse:
    services.history_clear(user=request.user)
    messages.success(request, "Your watch history was cleared.")
    return redirect("history")


@login_required
@require_POST
def history_remove(request: HttpRequest, video_id: str) -> HttpResponse:
    services.history_remove(user=request.user, video_id=video_id)
    messages.success(request, "Removed from your history.")
    return redirect("history")


@login_required
@require_POST
def history_pause(request: HttpRequest) -> HttpResponse:
    paused = request.POST.get("paused") == "1"
    services.history_set_paused(user=request.user, paused=paused)
    messages.success(
        request, "History is paused: nothing is recorded." if paused else "History is on again."
    )
    return redirect("history")
