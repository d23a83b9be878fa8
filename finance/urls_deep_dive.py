"""URLs for the deep dive area (seed 003 s3.4), per pooled budget."""

from django.urls import path

from .views import deep_dive as views

urlpatterns = [
    path("budgets/<int:pk>/deep-dive/", views.deep_dive, name="deep_dive"),
    path("budgets/<int:pk>/deep-dive/high-cost/", views.deep_dive_high_cost, name="deep_dive_high_cost"),
    path("budgets/<int:pk>/deep-dive/live-in/", views.deep_dive_live_in, name="deep_dive_live_in"),
    path("budgets/<int:pk>/deep-dive/trend/", views.deep_dive_trend, name="deep_dive_trend"),
    path(
        "budgets/<int:pk>/deep-dive/<slug:page>/download.<str:fmt>",
        views.deep_dive_export,
        name="deep_dive_export",
    ),
]
