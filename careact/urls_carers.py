"""URLs for carers; joined into the careact namespace by careact/urls.py."""

urlpatterns = []
