"""Staff's side of comments: the report queue (open reports first) and the comments."""

from __future__ import annotations

from django.contrib import admin, messages

from apps.comments import services
from apps.comments.models import Comment, CommentReport


class OpenFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", "Open"), ("no", "Resolved")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(resolved_at=None)
        if self.value() == "no":
            return queryset.exclude(resolved_at=None)
        return queryset


@admin.register(CommentReport)
class CommentReportAdmin(admin.ModelAdmin):
    list_display = ["comment_text", "reason", "detail", "reporter", "created_at", "resolved_at"]
    list_filter = [OpenFilter, "reason"]
    list_select_related = ["comment", "reporter"]
    readonly_fields = ["comment", "reporter", "reason", "detail", "created_at", "resolved_at",
                       "resolved_by"]  # fmt: skip
    actions = ["hide_and_resolve", "dismiss"]
    ordering = ["resolved_at", "created_at"]

    @admin.display(description="comment")
    def comment_text(self, report: CommentReport) -> str:
        return report.comment.body[:120]

    @admin.action(description="Hide the comments and close these reports")
    def hide_and_resolve(self, request, queryset):
        n = services.reports_resolve(
            report_ids=list(queryset.values_list("pk", flat=True)), by=request.user, hide=True
        )
        self.message_user(request, f"{n} report(s) closed, comments hidden.", messages.SUCCESS)

    @admin.action(description="Dismiss these reports (keep the comments)")
    def dismiss(self, request, queryset):
        n = services.reports_resolve(
            report_ids=list(queryset.values_list("pk", flat=True)), by=request.user, hide=False
        )
        self.message_user(request, f"{n} report(s) dismissed.", messages.SUCCESS)

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["id", "video", "author", "short_body", "state", "pinned", "created_at"]
    list_filter = ["state", "pinned"]
    search_fields = ["body", "author__username", "video__title"]
    raw_id_fields = ["video", "author", "parent", "hidden_by"]
    readonly_fields = ["reply_count", "created_at", "edited_at", "changed_at"]
    actions = ["hide"]

    @admin.display(description="body")
    def short_body(self, comment: Comment) -> str:
        return comment.body[:80]

    @admin.action(description="Hide the selected comments")
    def hide(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            services.comment_hide(comment_id=pk, by=request.user)
        self.message_user(request, "Hidden.", messages.SUCCESS)
