"""URLs for the deep_dive area."""

urlpatterns = []
