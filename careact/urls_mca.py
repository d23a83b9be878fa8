"""URLs for mca; joined into the careact namespace by careact/urls.py."""

urlpatterns = []
