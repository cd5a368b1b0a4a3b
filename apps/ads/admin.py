"""Staff manage advertisers, campaigns, creatives and ad-free subscriptions here; each
campaign has a daily report (chart + table) and a CSV export."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from apps.ads import creatives, reports, selectors
from apps.ads.creatives import banner_reencode
from apps.ads.models import (
    AdFreeSubscription,
    Advertiser,
    Campaign,
    Creative,
    CreativeKind,
)
from media_pipeline.sniff import sniff_bytes


class ForgetSnapshotMixin:
    """Any staff change is live at once: the decision's cached snapshot is dropped."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        selectors.running_campaigns_forget()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        selectors.running_campaigns_forget()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        selectors.running_campaigns_forget()


@admin.register(Advertiser)
class AdvertiserAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_email", "created_at"]
    search_fields = ["name"]


class CreativeInline(admin.TabularInline):
    model = Creative
    fields = ["name", "kind", "click_url", "active", "skip_after_s", "media_state"]
    readonly_fields = ["kind", "media_state"]
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # a creative needs its media: added on the Creative page

    @admin.display(description="Media")
    def media_state(self, creative: Creative) -> str:
        if creative.kind == CreativeKind.PREROLL and creative.video:
            return f"video {creative.video.status}"
        return f"{creative.width}×{creative.height} image" if creative.image else "—"


@admin.register(Campaign)
class CampaignAdmin(ForgetSnapshotMixin, admin.ModelAdmin):
    list_display = ["name", "advertiser", "status", "starts_at", "ends_at", "weight", "served",
                    "total_cap", "daily_cap", "report_link"]  # fmt: skip
    list_filter = ["status", "audience", "advertiser"]
    search_fields = ["name", "advertiser__name"]
    autocomplete_fields = ["advertiser", "target_channels", "excluded_videos"]
    readonly_fields = ["served", "report_link"]
    inlines = [CreativeInline]
    fieldsets = [
        (None, {"fields": ["advertiser", "name", "status", "report_link"]}),
        ("Schedule and caps", {"fields": ["starts_at", "ends_at", "weight", "total_cap",
                                          "daily_cap", "frequency_cap", "served"]}),
        ("Targeting", {"fields": ["audience", "target_tags", "target_channels",
                                  "excluded_videos"]}),
    ]  # fmt: skip

    @admin.display(description="Report")
    def report_link(self, campaign: Campaign) -> str:
        if not campaign.pk:
            return "—"
        return format_html(
            '<a href="{}">Daily report</a>',
            reverse("admin:ads_campaign_report", args=[campaign.pk]),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/report/", view(self.report_view), name="ads_campaign_report"),
            path("<int:pk>/report.csv", view(self.report_csv), name="ads_campaign_report_csv"),
            *super().get_urls(),
        ]

    def report_view(self, request, pk: int):
        campaign = get_object_or_404(Campaign, pk=pk)
        if not self.has_view_permission(request, campaign):
            raise PermissionDenied
        rows = selectors.campaign_report(campaign=campaign)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "campaign": campaign,
            "rows": rows,
            "chart": mark_safe(reports.report_svg(rows)),  # built from numbers, labels escaped
            "title": f"Report: {campaign.name}",
        }
        return TemplateResponse(request, "admin/ads/campaign/report.html", context)

    def report_csv(self, request, pk: int):
        campaign = get_object_or_404(Campaign, pk=pk)
        if not self.has_view_permission(request, campaign):
            raise PermissionDenied
        response = HttpResponse(
            reports.report_csv(selectors.campaign_report(campaign=campaign)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}.csv"'
        return response


class CreativeForm(forms.ModelForm):
    upload = forms.FileField(
        required=False,
        help_text="Pre-roll: a video (processed by the pipeline; its ladder stops at the "
        "source's size, so upload 720p or less). Banner: JPEG, PNG, WebP or GIF.",
    )

    class Meta:
        model = Creative
        fields = ["campaign", "kind", "name", "click_url", "skip_after_s", "active"]

    def clean(self):
        data = super().clean()
        upload = data.get("upload")
        if self.instance.pk is None and not upload:
            raise ValidationError({"upload": "A new creative needs its video or image."})
        if upload and self.instance.pk is None:
            # Judged here so that a bad file is a form error; the service judges it again.
            if data.get("kind") == CreativeKind.BANNER:
                banner_reencode(upload)
            else:
                reason = sniff_bytes(upload.read(64 * 1024))
                if reason:
                    raise ValidationError({"upload": reason})
            upload.seek(0)
        return data


@admin.register(Creative)
class CreativeAdmin(ForgetSnapshotMixin, admin.ModelAdmin):
    form = CreativeForm
    list_display = ["name", "campaign", "kind", "active", "media_state", "click_url"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "campaign__name"]
    autocomplete_fields = ["campaign"]

    def get_readonly_fields(self, request, obj=None):
        return ["kind", "media_state"] if obj else ["media_state"]

    @admin.display(description="Media")
    def media_state(self, creative: Creative) -> str:
        return CreativeInline.media_state(None, creative)

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("upload")
        if change and not upload:
            return super().save_model(request, obj, form, change)
        if change:
            messages.warning(request, "Media cannot be replaced: add a new creative instead.")
            return super().save_model(request, obj, form, change)
        fields = {"campaign": obj.campaign, "name": obj.name, "click_url": obj.click_url}
        if obj.kind == CreativeKind.PREROLL:
            made = creatives.creative_create_preroll(
                **fields, upload=upload, filename=upload.name, skip_after_s=obj.skip_after_s
            )
        else:
            made = creatives.creative_create_banner(**fields, upload=upload)
        obj.pk = made.pk
        obj._state.adding = False


@admin.register(AdFreeSubscription)
class AdFreeSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "starts_at", "ends_at", "note"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]
