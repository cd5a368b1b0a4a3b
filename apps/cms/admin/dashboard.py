"""The operations dashboard: an admin page for holders of cms.view_dashboard, with a retry
for failed or stuck videos."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_POST

from apps.cms import operations
from apps.cms.admin.charts import bar_chart, hbar_chart
from apps.cms.models import Dashboard
from apps.videos import services as video_services
from apps.videos.models import Video, VideoStatus
from streamsite.admin_mixins import ReadOnlyAdminMixin

PERMISSION = "cms.view_dashboard"


@admin.register(Dashboard)
class DashboardAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """No rows: its changelist is the dashboard."""

    def has_module_permission(self, request) -> bool:
        return request.user.has_perm(PERMISSION)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(PERMISSION)

    def get_urls(self):
        retry = self.admin_site.admin_view(require_POST(self.retry_view))
        return [
            path("retry/<str:video_id>/", retry, name="cms_dashboard_retry"),
            path(
                "",
                self.admin_site.admin_view(self.changelist_view),
                name="cms_dashboard_changelist",
            ),
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        top = operations.top_videos()
        storage = operations.storage_per_user()
        context = {
            **self.admin_site.each_context(request),
            "title": "Operations dashboard",
            "opts": self.model._meta,
            "today": operations.today_counts(),
            "queue_depth": operations.queue_depth(),
            "problems": operations.problem_videos(),
            "uploads_chart": bar_chart(operations.uploads_per_day(), title="Uploads per day"),
            "top_videos": top,
            "top_chart": hbar_chart([(v.title, v.views) for v in top], title="Top videos by views"),
            "storage": storage,
            "storage_chart": hbar_chart(storage, title="Storage per user", unit="bytes"),
            "live_now": operations.live_now(),
            "broadcasts": operations.active_broadcasts(),
            "ads": operations.ad_totals(),
            "can_retry": request.user.has_perm("videos.change_video"),
        }
        return TemplateResponse(request, "cms/admin/dashboard.html", context)

    def retry_view(self, request, video_id: str):
        if not request.user.has_perm("videos.change_video"):
            raise PermissionDenied
        video = get_object_or_404(Video, pk=video_id)
        if video.status in (VideoStatus.UPLOADED, VideoStatus.PROCESSING):
            # Stuck: nothing failed to redo, so start again from the upload.
            video_services.video_reprocess(video=video, by=request.user)
        else:
            # Failed (from the upload) or ready with failed parts (only those).
            video_services.video_retry(video=video, by=request.user)
        messages.success(request, f"“{video.title}” is queued again.")
        return redirect("admin:cms_dashboard_changelist")
