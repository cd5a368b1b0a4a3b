"""Staff run broadcasts from the admin too: issuing and editing go through the services (so
they are pushed and logged); ending replaces deleting, which would lose the log."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from apps.broadcasts import services
from apps.broadcasts.models import Broadcast, BroadcastLogEntry, VideoDisclaimer
from streamsite.admin_mixins import ReadOnlyAdminMixin


class IssuerOnly:
    """Moderators' permission (superusers have it too); admin access needs is_staff anyway."""

    # By permission only, not any staff: each staff role sees only its part of the admin.
    @staticmethod
    def _issuer(request) -> bool:
        return request.user.is_active and request.user.has_perm("broadcasts.add_broadcast")

    def has_module_permission(self, request) -> bool:
        return self._issuer(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._issuer(request)


class LogInline(admin.TabularInline):
    model = BroadcastLogEntry
    extra = 0
    can_delete = False
    fields = ("at", "actor_name", "action", "changes")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class BroadcastAdminForm(forms.ModelForm):
    link = forms.URLField(max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Broadcast
        fields = ("message", "link", "severity", "display", "video", "live_stream_id",
                  "starts_at", "expires_at")  # fmt: skip

    def clean(self):
        data = super().clean()
        # What the services would refuse, refused here as form errors rather than a 500.
        if not (data.get("message") or "").strip():
            self.add_error("message", "A broadcast needs a message.")
        expires = data.get("expires_at")
        if self.instance.pk is None and expires is not None and expires <= timezone.now():
            self.add_error("expires_at", "The expiry is already past.")
        if self.instance.ended_at is not None:
            raise ValidationError("This broadcast has ended; issue a new one.")
        return data


@admin.register(Broadcast)
class BroadcastAdmin(IssuerOnly, admin.ModelAdmin):
    form = BroadcastAdminForm
    list_display = ("message", "severity", "display", "video", "starts_at", "expires_at",
                    "ended_at", "created_by")  # fmt: skip
    list_filter = ("severity", "display", ("ended_at", admin.EmptyFieldListFilter))
    search_fields = ("message",)
    raw_id_fields = ("video",)
    fields = ("message", "link", "severity", "display", "video", "live_stream_id", "starts_at",
              "expires_at", "ended_at", "ended_by", "created_by")  # fmt: skip
    readonly_fields = ("ended_at", "ended_by", "created_by")
    inlines = [LogInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["end_broadcasts"]

    def has_add_permission(self, request) -> bool:
        return self._issuer(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._issuer(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        # The scope is fixed once issued: end it and issue another.
        extra = ("video", "live_stream_id") if obj is not None else ()
        return (*self.readonly_fields, *extra)

    def save_model(self, request, obj, form, change) -> None:
        if change:
            fields = {f: form.cleaned_data[f] for f in form.changed_data if f in services.EDITABLE}
            saved = services.broadcast_edit(broadcast_id=obj.pk, by=request.user, **fields)
        else:
            saved = services.broadcast_issue(
                by=request.user,
                **{f: form.cleaned_data[f] for f in services.EDITABLE},
                video=form.cleaned_data.get("video"),
                live_stream_id=form.cleaned_data.get("live_stream_id", ""),
            )
        obj.pk = saved.pk
        obj.__dict__.update(saved.__dict__)

    @admin.action(description="End the selected broadcasts now")
    def end_broadcasts(self, request, queryset) -> None:
        ended = 0
        for broadcast in queryset.filter(ended_at__isnull=True):
            try:
                services.broadcast_end(broadcast_id=broadcast.pk, by=request.user)
            except ValidationError:
                continue  # ended by someone else meanwhile
            ended += 1
        self.message_user(request, f"{ended} broadcast(s) ended.", messages.SUCCESS)


@admin.register(BroadcastLogEntry)
class BroadcastLogAdmin(ReadOnlyAdminMixin, IssuerOnly, admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "broadcast", "changes")
    list_filter = ("action",)
    search_fields = ("actor_name", "broadcast__message")
    date_hierarchy = "at"


@admin.register(VideoDisclaimer)
class VideoDisclaimerAdmin(admin.ModelAdmin):
    list_display = ("video", "text", "updated_by", "updated_at")
    raw_id_fields = ("video",)
    fields = ("video", "text", "link")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change) -> None:
        saved = services.disclaimer_set(
            video=form.cleaned_data["video"],
            text=form.cleaned_data["text"],
            link=form.cleaned_data.get("link", ""),
            by=request.user,
        )
        obj.pk = saved.pk if saved else obj.pk
