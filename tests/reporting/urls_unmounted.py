"""The project's URLs without the governance pages, as before config/urls.py mounts them."""

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [p for p in project_urlpatterns if getattr(p, "namespace", None) != "governance"]
