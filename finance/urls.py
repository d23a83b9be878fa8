"""Section 75 money pages, mounted at /finance/. Each area keeps its own URL module."""

from . import urls_budgets, urls_deep_dive, urls_packages, urls_tables

app_name = "finance"

urlpatterns = [
    *urls_budgets.urlpatterns,
    *urls_packages.urlpatterns,
    *urls_tables.urlpatterns,
    *urls_deep_dive.urlpatterns,
]
