"""URLs for s117; joined into the careact namespace by careact/urls.py. Ids only; the
register's query string carries filter values and nothing about a person."""

from django.urls import path

from .views import s117

urlpatterns = [
    path("s117/", s117.s117_register, name="s117_register"),
    path("people/<int:person_pk>/s117/new/", s117.s117_create, name="s117_create"),
    path("s117/<int:pk>/", s117.s117_detail, name="s117_detail"),
    path("s117/<int:pk>/change/", s117.s117_edit, name="s117_edit"),
    path("s117/<int:pk>/reviews/new/", s117.s117_review_create, name="s117_review_create"),
    path("s117/<int:pk>/end/", s117.s117_end, name="s117_end"),
]
