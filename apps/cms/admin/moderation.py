"""Moderators' part of the admin: the queue with its actions, reports, the log, the settings."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST

from apps.cms import comment_reports, moderation
from apps.cms.models import ModerationAction, ModerationSettings, QueuedVideo, Report
from apps.cms.selectors import queue_videos
from streamsite.admin_mixins import ReadOnlyAdminMixin


class ReasonActionForm(ActionForm):
    reason = forms.CharField(
        required=False,
        max_length=500,
        label="Reason",
        help_text="Shown to the owner when hiding; recorded for every action.",
    )


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    can_delete = False
    fields = ["reporter", "reason", "note", "created_at", "resolved_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(QueuedVideo)
class QueuedVideoAdmin(admin.ModelAdmin):
    """Reported videos and held uploads, most reported first. Decisions are admin actions."""

    action_form = ReasonActionForm
    actions = ["approve", "hide", "delete_videos", "warn", "ban"]
    list_display = ["title", "owner", "open_reports", "moderation_state", "moderation_reason"]
    list_filter = ["moderation_state"]
    search_fields = ["id", "title", "owner__username"]
    fields = ["title", "owner", "description", "tags", "moderation_state", "moderation_reason"]
    readonly_fields = fields
    inlines = [ReportInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return queue_videos()

    def changelist_view(self, request, extra_context=None):
        extra = {
            "comments_installed": comment_reports.available(),
            "reported_comments": comment_reports.open_reported_comments(),
        }
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def get_urls(self):
        resolve = self.admin_site.admin_view(require_POST(self.comment_view))
        return [
            path("comments/<int:comment_id>/", resolve, name="cms_queue_comment"),
            *super().get_urls(),
        ]

    def comment_view(self, request, comment_id: int):
        if not self.has_change_permission(request):
            raise PermissionDenied
        hide = request.POST.get("decision") == "hide"
        closed = comment_reports.comment_resolve(comment_id=comment_id, by=request.user, hide=hide)
        done = "hidden" if hide else "kept"
        self.message_user(request, f"Comment {done}; {closed} report(s) closed.", messages.SUCCESS)
        return redirect("admin:cms_queuedvideo_changelist")

    @admin.display(description="Open reports", ordering="open_reports")
    def open_reports(self, video) -> int:
        return video.open_reports

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deleting is the logged "delete" action, not the admin's own

    def _each(self, request, queryset, action, done: str, **kwargs) -> None:
        reason = request.POST.get("reason", "")
        count = 0
        try:
            for video in queryset:
                action(video=video, by=request.user, **({"reason": reason} | kwargs))
                count += 1
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(
                request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR
            )
            return
        self.message_user(request, f"{count} video(s) {done}.", messages.SUCCESS)

    @admin.action(description="Approve: show again and close the reports")
    def approve(self, request, queryset):
        self._each(request, queryset, _no_reason(moderation.video_approve), "approved")

    @admin.action(description="Hide (the owner sees the reason)")
    def hide(self, request, queryset):
        self._each(request, queryset, moderation.video_hide, "hidden")

    @admin.action(description="Delete the videos", permissions=["delete_video"])
    def delete_videos(self, request, queryset):
        self._each(request, queryset, moderation.video_remove, "deleted")

    @admin.action(description="Warn the uploaders")
    def warn(self, request, queryset):
        self._each(request, queryset, moderation.uploader_warn, "warned")

    @admin.action(description="Ban the uploaders (hides all their videos)")
    def ban(self, request, queryset):
        self._each(request, queryset, moderation.uploader_ban, "banned")

    def has_delete_video_permission(self, request) -> bool:
        return request.user.has_perm("cms.delete_queuedvideo")


def _no_reason(action):
    def call(*, video, by, reason=""):
        return action(video=video, by=by)

    return call


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["video", "reporter", "reason", "note", "created_at", "resolved_at"]
    list_filter = ["reason", "resolved_at"]
    list_select_related = ["video", "reporter"]
    readonly_fields = ["video", "reporter", "reason", "note", "created_at", "resolved_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The log is read-only: nobody edits what was done."""

    list_display = ["created_at", "kind", "by", "subject", "video_id", "target_user", "reason"]
    list_filter = ["kind", "created_at"]
    search_fields = ["subject", "video_id", "target_user__username", "by__username"]
    list_select_related = ["by", "target_user"]


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "premoderate_new_accounts", "new_account_days", "report_threshold"]

    def has_add_permission(self, request) -> bool:
        return not ModerationSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
