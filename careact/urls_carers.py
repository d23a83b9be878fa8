"""URLs for carers; joined into the careact namespace by careact/urls.py. Ids only."""

from django.urls import path

from .views import carers

urlpatterns = [
    path("people/<int:person_pk>/carers/link/", carers.carer_link, name="carer_link"),
    path("people/<int:person_pk>/carers/new/", carers.carer_add, name="carer_add"),
    path("carers/<int:pk>/end/", carers.carer_end, name="carer_end"),
]
