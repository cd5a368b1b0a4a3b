from django.urls import path

from apps.ads import api

urlpatterns = [
    path("ads/decision/", api.DecisionView.as_view(), name="ads-decision"),
    path("ads/vast/", api.vast, name="ads-vast"),
    path("ads/impression/", api.impression, name="ads-impression"),
    path("ads/complete/", api.complete, name="ads-complete"),
    path("ads/click/", api.click, name="ads-click"),
]
