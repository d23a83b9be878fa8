"""URLs for the AMHP register; joined into the amhp namespace by amhp/urls.py. Ids only."""

from django.urls import path

from .views import register

urlpatterns = [
    path("register/", register.register_list, name="register"),
    path("register/add/", register.register_add, name="register_add"),
    path("register/forecast/", register.forecast, name="forecast"),
    path("register/<int:pk>/", register.register_amhp, name="register_amhp"),
    path("register/<int:pk>/change/", register.register_change, name="register_change"),
    path("register/<int:pk>/approvals/new/", register.approval_create, name="approval_create"),
    path("register/<int:pk>/approvals/<int:approval_pk>/end/", register.approval_end, name="approval_end"),
    path("register/<int:pk>/training/new/", register.training_create, name="training_create"),
]
