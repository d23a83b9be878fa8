"""AMHP service pages, mounted at /amhp/. Each area keeps its own URL module."""

from . import urls_register, urls_requests, urls_rota

app_name = "amhp"

urlpatterns = [*urls_register.urlpatterns, *urls_rota.urlpatterns, *urls_requests.urlpatterns]
