from django.urls import path

from apps.notifications import views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/email/", views.email_setting, name="notifications-email"),
]
