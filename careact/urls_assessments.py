"""URLs for assessments; joined into the careact namespace by careact/urls.py."""

urlpatterns = []
