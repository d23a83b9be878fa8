"""URLs for plans and reviews; joined into the careact namespace by careact/urls.py.

Ids only, never person data (DESIGN.md section 11).
"""

from django.urls import path

from .views import plans

urlpatterns = [
    path("assessments/<int:assessment_pk>/plans/new/", plans.plan_create, name="plan_create"),
    path("plans/awaiting/", plans.plans_awaiting, name="plans_awaiting"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/change/", plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/submit/", plans.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/authorise/", plans.plan_authorise, name="plan_authorise"),
    path("plans/<int:pk>/compare/", plans.plan_compare, name="plan_compare"),
    path("plans/<int:pk>/reviews/new/", plans.review_create, name="review_create"),
]
