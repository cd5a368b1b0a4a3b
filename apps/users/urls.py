from django.urls import path

from apps.users import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
    path("start-channel/", views.start_channel, name="start-channel"),
]
