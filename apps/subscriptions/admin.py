from django.contrib import admin

from apps.subscriptions import services
from apps.subscriptions.models import ChannelProfile, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "channel", "notify", "created_at"]
    list_filter = ["notify"]
    raw_id_fields = ["user", "channel"]
    search_fields = ["user__username", "channel__username"]
    readonly_fields = ["user", "channel", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False  # one subscribes as oneself, from the channel page or the API

    # Deletes go through the service, so the channel's subscriber count stays exact.
    def delete_model(self, request, obj: Subscription) -> None:
        services.subscription_delete(user=obj.user, channel=obj.channel)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset.select_related("user", "channel"):
            self.delete_model(request, obj)


@admin.register(ChannelProfile)
class ChannelProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "subscribers", "updated_at"]
    raw_id_fields = ["user"]
    search_fields = ["user__username"]
    # The count moves only with subscription rows (services._shift).
    readonly_fields = ["subscribers"]
    actions = ["recount"]

    @admin.action(description="Recount subscribers")
    def recount(self, request, queryset) -> None:
        for profile in queryset.select_related("user"):
            services.channel_subscribers_recount(channel=profile.user)
