"""Editors' part of the admin: categories, home sections (with a preview) and pages. Saves go
through the services, which invalidate the cached home page."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from apps.cms import home, services
from apps.cms.models import Category, HomeSection, Page, SectionItem
from apps.cms.sanitize import render_page_body


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "icon", "colour", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        services.category_save(category=obj)

    def delete_model(self, request, obj):
        services.category_delete(category=obj)

    def delete_queryset(self, request, queryset):
        for category in queryset:
            services.category_delete(category=category)


class SectionItemInline(admin.TabularInline):
    model = SectionItem
    extra = 1
    autocomplete_fields = ["video"]
    fields = ["video", "position"]


@admin.register(HomeSection)
class HomeSectionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "order", "starts_at", "ends_at", "in_force", "preview_link"]
    list_editable = ["order"]
    list_filter = ["kind"]
    autocomplete_fields = ["video"]
    inlines = [SectionItemInline]
    fieldsets = [
        (None, {"fields": ["kind", "title", "order", "limit"]}),
        ("Visibility window", {"fields": ["starts_at", "ends_at"]}),
        ("Hero", {"fields": ["video", "headline"]}),
        ("A category's latest", {"fields": ["category"]}),
    ]

    @admin.display(boolean=True, description="Shown now")
    def in_force(self, section: HomeSection) -> bool:
        return section.pk in {s.pk for s in home.sections_in_force()}

    @admin.display(description="Preview")
    def preview_link(self, section: HomeSection) -> str:
        url = reverse("admin:cms_homesection_preview", args=[section.pk])
        return format_html('<a href="{}">Preview</a>', url)

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("<int:pk>/preview/", preview, name="cms_homesection_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        section = get_object_or_404(HomeSection, pk=pk)
        if not self.has_view_permission(request, section):
            return HttpResponse(status=403)
        row = home.render_section(section, request)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Preview: {section.title}",
            "section": section,
            "row": row,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "cms/admin/section_preview.html", context)

    def save_model(self, request, obj, form, change):
        services.section_save(section=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.section_items_changed()

    def delete_model(self, request, obj):
        services.section_delete(section=obj)

    def delete_queryset(self, request, queryset):
        for section in queryset:
            services.section_delete(section=section)


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "in_footer", "order", "published", "updated_at"]
    list_editable = ["order", "in_footer", "published"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["preview"]

    @admin.display(description="Preview (sanitised)")
    def preview(self, page: Page) -> str:
        # nh3's output, as visitors get it.
        body = mark_safe(render_page_body(page.body, page.format))
        return format_html('<div class="cms-page-body">{}</div>', body)

    def save_model(self, request, obj, form, change):
        services.page_save(page=obj)
