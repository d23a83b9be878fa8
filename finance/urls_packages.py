"""URLs for the packages area."""

urlpatterns = []
