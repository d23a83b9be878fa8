"""URLs for assessments; joined into the careact namespace by careact/urls.py.

Ids only, never person data (DESIGN.md section 11).
"""

from django.urls import path

from .views import assessments as views

urlpatterns = [
    path("cases/<int:case_pk>/assessments/new/", views.assessment_start, name="assessment_start"),
    path(
        "cases/<int:case_pk>/carers/<int:carer_pk>/assessments/new/",
        views.carer_assessment_start,
        name="carer_assessment_start",
    ),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/change/", views.assessment_edit, name="assessment_edit"),
    path("assessments/<int:pk>/submit/", views.assessment_submit, name="assessment_submit"),
    path("assessments/<int:pk>/authorise/", views.assessment_authorise, name="assessment_authorise"),
    path("assessments/<int:pk>/reassess/", views.assessment_reassess, name="assessment_reassess"),
    path("assessments/<int:pk>/compare/", views.assessment_compare, name="assessment_compare"),
    path("assessments/<int:pk>/copies/", views.assessment_copy_request, name="assessment_copy_request"),
    path(
        "assessments/<int:pk>/copies/<int:copy_pk>/",
        views.assessment_copy_download,
        name="assessment_copy_download",
    ),
]
