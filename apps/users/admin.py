from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from apps.users import services
from apps.users.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "display_name", "is_staff", "ad_free", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups", "ad_free")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Channel", {"fields": ("display_name", "bio", "ad_free")}),
    )

    actions = ["approve"]

    @admin.action(description="Approve sign-ups (activate the selected accounts)")
    def approve(self, request, queryset):
        count = services.users_approve(users=list(queryset), by=request.user)
        self.message_user(request, f"{count} account(s) approved.", messages.SUCCESS)
