"""URLs for the tables area."""

urlpatterns = []
