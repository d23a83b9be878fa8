"""Governance records, mounted at /governance/ (config/urls.py). Namespace `governance`."""

from django.urls import path

from .views import actions, home, indicators, risks

app_name = "governance"

urlpatterns = [
    path("", home.home, name="home"),
    # Action plans (seed 002)
    path("plans/", actions.plan_list, name="plan_list"),
    path("plans/add/", actions.plan_create, name="plan_create"),
    path("plans/<int:pk>/", actions.plan_detail, name="plan_detail"),
    path("plans/<int:plan_pk>/actions/add/", actions.action_create, name="action_create"),
    path("actions/<int:pk>/", actions.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", actions.action_edit, name="action_edit"),
    path("actions/<int:pk>/updates/add/", actions.action_update_create, name="action_update_create"),
    path("actions/<int:pk>/complete/", actions.action_complete, name="action_complete"),
    # Joint risk register (seeds 000 and 003)
    path("risks/", risks.risk_list, name="risk_list"),
    path("risks/heat-map/", risks.risk_heat_map, name="risk_heat_map"),
    path("risks/add/", risks.risk_create, name="risk_create"),
    path("risks/<int:pk>/", risks.risk_detail, name="risk_detail"),
    path("risks/<int:pk>/edit/", risks.risk_edit, name="risk_edit"),
    path("risks/<int:pk>/rescore/", risks.risk_rescore, name="risk_rescore"),
    # Performance indicators (seed 003 s3.1)
    path("indicators/", indicators.indicator_list, name="indicator_list"),
]
