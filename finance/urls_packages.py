"""URLs for the packages area; joined into the finance namespace by finance/urls.py. Ids
only; the list's query string carries filter values and nothing about a person."""

from django.urls import path

from .views import packages, packages_steps

urlpatterns = [
    path("packages/", packages.package_list, name="package_list"),
    path("cases/<int:case_pk>/packages/new/", packages.package_request, name="package_request"),
    path("packages/<int:pk>/", packages.package_detail, name="package_detail"),
    path("packages/<int:pk>/decide/", packages_steps.package_decide, name="package_decide"),
    path("packages/<int:pk>/start/", packages_steps.package_start, name="package_start"),
    path("packages/<int:pk>/cost/", packages_steps.package_cost_change, name="package_cost_change"),
    path("packages/<int:pk>/end/", packages_steps.package_end, name="package_end"),
    path("packages/<int:pk>/review/", packages_steps.package_review, name="package_review"),
    path("packages/<int:pk>/withdraw/", packages_steps.package_withdraw, name="package_withdraw"),
]
