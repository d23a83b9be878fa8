"""URLs for s117; joined into the careact namespace by careact/urls.py."""

urlpatterns = []
