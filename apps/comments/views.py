"""Comment fragments for the watch page: further pages, another order, and what a page missed
while its socket was down. Writes go through the API."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.comments import selectors
from apps.comments.live import comment_message
from apps.videos.selectors import video_get_for_viewer


def comments_page(request: HttpRequest, video_id: str) -> HttpResponse:
    video = video_get_for_viewer(video_id=video_id, user=request.user)
    sort = request.GET.get("sort", "newest")
    sort = sort if sort in selectors.SORTS else "newest"
    page = selectors.comment_page(video=video, sort=sort, page=request.GET.get("page", 1))
    return render(request, "comments/page.html", {"video": video, "page": page, "sort": sort})


def comments_changes(request: HttpRequest, video_id: str) -> JsonResponse:
    video = video_get_for_viewer(video_id=video_id, user=request.user)
    since = parse_datetime(request.GET.get("since", ""))
    if since is None:
        return JsonResponse({"error": "since: not an ISO date."}, status=400)
    now = timezone.now().isoformat()
    changes = [
        comment_message(c, "sync", None)
        for c in selectors.comment_changes(video=video, since=since)[:500]
    ]
    return JsonResponse(
        {"now": now, "count": selectors.comment_count(video_id=video.id), "changes": changes}
    )
