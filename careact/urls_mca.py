"""URLs for mca; joined into the careact namespace by careact/urls.py. Ids only."""

from django.urls import path

from .views import mca

urlpatterns = [
    path("people/<int:person_pk>/capacity/new/", mca.capacity_create, name="capacity_create"),
    path("capacity/<int:pk>/", mca.capacity_detail, name="capacity_detail"),
    path("capacity/<int:pk>/best-interests/new/", mca.best_interests_create, name="best_interests_create"),
    path("best-interests/<int:pk>/", mca.best_interests_detail, name="best_interests_detail"),
    path("people/<int:person_pk>/advocacy/new/", mca.advocacy_create, name="advocacy_create"),
]
