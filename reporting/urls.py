"""Governance records, mounted at /governance/ (config/urls.py). Namespace `governance`."""

from django.urls import path

from .views import actions, boards, home, indicators, reports, risks

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
    # Boards and their PDF reports (issue 8)
    path("boards/", boards.board_list, name="board_list"),
    path("boards/add/", boards.board_create, name="board_create"),
    path("boards/<int:pk>/", boards.board_detail, name="board_detail"),
    path("boards/<int:pk>/edit/", boards.board_edit, name="board_edit"),
    path("boards/<int:pk>/meetings/add/", boards.meeting_add, name="meeting_add"),
    path("boards/meetings/<int:pk>/remove/", boards.meeting_remove, name="meeting_remove"),
    path("boards/<int:pk>/reports/add/", boards.definition_create, name="definition_create"),
    path("boards/report-definitions/<int:pk>/edit/", boards.definition_edit, name="definition_edit"),
    path("boards/report-definitions/<int:pk>/generate/", reports.report_generate, name="report_generate"),
    path("boards/reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("boards/reports/<int:pk>/pdf/", reports.report_pdf, name="report_pdf"),
    path("boards/reports/<int:pk>/tables.xlsx", reports.report_tables_xlsx, name="report_tables_xlsx"),
    path(
        "boards/reports/<int:pk>/tables/<int:section>/<int:table>.<str:fmt>",
        reports.report_table,
        name="report_table",
    ),
    path("boards/reports/<int:pk>/commentary/", reports.report_commentary, name="report_commentary"),
    path("boards/reports/<int:pk>/publish/", reports.report_publish, name="report_publish"),
    path("boards/reports/<int:pk>/retry/", reports.report_retry, name="report_retry"),
]
