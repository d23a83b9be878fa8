"""URLs for compliance figures; joined into the careact namespace by careact/urls.py."""

from django.urls import path

from .views import compliance

urlpatterns = [
    path("compliance/", compliance.compliance, name="compliance"),
]
