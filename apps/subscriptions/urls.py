from django.urls import path, re_path

from apps.subscriptions import views

urlpatterns = [
    path("c/<str:username>/", views.channel, name="channel"),
    path("c/<str:username>/subscribe/", views.subscribe, name="channel-subscribe"),
    path("c/<str:username>/unsubscribe/", views.unsubscribe, name="channel-unsubscribe"),
    path("c/<str:username>/notify/", views.notify, name="channel-notify"),
    path("feed/", views.feed, name="feed"),
    path("studio/channel/", views.channel_settings, name="studio-channel"),
    re_path(r"^media/(?P<name>channels/.+)$", views.channel_image, name="channel-image"),
]
