"""URLs for the AMHP rota; joined into the amhp namespace by amhp/urls.py. Ids only."""

from django.urls import path

from .views import rota

urlpatterns = [
    path("rota/", rota.rota_view, name="rota"),
    path("rota/patterns/", rota.patterns, name="patterns"),
    path("rota/patterns/usual/", rota.patterns_usual, name="patterns_usual"),
    path("rota/patterns/new/", rota.pattern_create, name="pattern_create"),
    path("rota/patterns/<int:pk>/change/", rota.pattern_edit, name="pattern_edit"),
    path("rota/build/", rota.rota_build, name="rota_build"),
    path("rota/gaps/", rota.gaps, name="gaps"),
    path("rota/shifts/<int:pk>/", rota.shift_detail, name="shift_detail"),
    path("rota/assignments/<int:pk>/remove/", rota.assignment_remove, name="assignment_remove"),
    path("rota/assignments/<int:pk>/swap/", rota.assignment_swap, name="assignment_swap"),
    path("rota/my-shifts/", rota.my_shifts, name="my_shifts"),
    path("rota/my-shifts.ics", rota.my_shifts_ics, name="my_shifts_ics"),
    path("register/<int:pk>/shifts.ics", rota.amhp_shifts_ics, name="amhp_shifts_ics"),
]
