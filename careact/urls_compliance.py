"""URLs for compliance figures; joined into the careact namespace by careact/urls.py."""

urlpatterns = []
