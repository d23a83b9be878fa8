"""URLs for the AMHP requests; joined into the amhp namespace by amhp/urls.py. Ids only."""

from django.urls import path

from .views import requests as views

urlpatterns = [
    path("board/", views.board, name="board"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/extend/", views.request_extend, name="request_extend"),
    path("requests/<int:pk>/allocate/", views.request_allocate, name="request_allocate"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/assessment/", views.assessment_record, name="assessment_record"),
    path(
        "requests/<int:pk>/assessment/convert-s4/", views.assessment_convert_s4, name="assessment_convert_s4"
    ),
    path("reporting/", views.reporting, name="reporting"),
]
