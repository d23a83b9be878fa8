"""URLs for the tables area: budget tables from snapshots, staffing, risk share, snapshots.

Exports take the format in the path (csv or xlsx; anything else is 404) and the page's own
choices in the query string (`periods=`, `as_of=`, `snapshot=`, and `table=` for CSV)."""

from django.urls import path

from .views import tables as views

urlpatterns = [
    path("budgets/<int:pk>/tables/", views.budget_tables, name="budget_tables"),
    path(
        "budgets/<int:pk>/tables/export.<str:format>",
        views.budget_tables_export,
        name="budget_tables_export",
    ),
    path("budgets/<int:pk>/staffing-table/", views.staffing_table, name="staffing_table"),
    path(
        "budgets/<int:pk>/staffing-table/export.<str:format>",
        views.staffing_table_export,
        name="staffing_table_export",
    ),
    path("budgets/<int:pk>/risk-share/", views.risk_share, name="risk_share"),
    path(
        "budgets/<int:pk>/risk-share/export.<str:format>", views.risk_share_export, name="risk_share_export"
    ),
    path("budgets/<int:pk>/snapshots/", views.snapshot_list, name="snapshot_list"),
    path("budgets/<int:pk>/snapshots/take/", views.snapshot_take, name="snapshot_take"),
]
