from django.urls import path

from apps.subscriptions import api

urlpatterns = [
    path(
        "channels/<str:username>/subscription/",
        api.SubscriptionView.as_view(),
        name="api-channel-subscription",
    ),
    path("me/feed/", api.FeedView.as_view(), name="api-me-feed"),
]
