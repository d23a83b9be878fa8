"""URLs for plans; joined into the careact namespace by careact/urls.py."""

urlpatterns = []
