from django.urls import path

from apps.videos import views

urlpatterns = [path("", views.home, name="home")]
