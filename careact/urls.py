"""Care Act pages, mounted at /care/. Each area keeps its own URL module."""

from . import urls_assessments, urls_carers, urls_compliance, urls_mca, urls_plans, urls_s117

app_name = "careact"

urlpatterns = [
    *urls_assessments.urlpatterns,
    *urls_plans.urlpatterns,
    *urls_carers.urlpatterns,
    *urls_s117.urlpatterns,
    *urls_mca.urlpatterns,
    *urls_compliance.urlpatterns,
]
