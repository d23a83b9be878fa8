"""URLs for the budgets area: the Section 75 money home, agreements, pooled budgets, forecast
adjustments and staffing. Joined into the finance namespace by finance/urls.py; ids only."""

from django.urls import path

from .views import agreements, budgets, staffing

urlpatterns = [
    path("", budgets.home, name="home"),
    path("agreements/new/", agreements.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/change/", agreements.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/variations/new/", agreements.variation_add, name="variation_add"),
    path("agreements/<int:pk>/budgets/new/", budgets.budget_create, name="budget_create"),
    path("budgets/<int:pk>/", budgets.budget_detail, name="budget_detail"),
    path("budgets/<int:pk>/lines/", budgets.budget_lines_edit, name="budget_lines_edit"),
    path("budgets/<int:pk>/adjustments/new/", budgets.adjustment_add, name="adjustment_add"),
    path("adjustments/<int:pk>/withdraw/", budgets.adjustment_withdraw, name="adjustment_withdraw"),
    path("budgets/<int:pk>/staffing/lines/", staffing.staffing_edit, name="staffing_edit"),
    path("budgets/<int:pk>/staffing/actuals/", staffing.staffing_actuals, name="staffing_actuals"),
    path("budgets/<int:pk>/staffing/import/", staffing.staffing_import, name="staffing_import"),
]
