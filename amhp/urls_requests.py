"""URLs for the AMHP requests; joined into the amhp namespace by amhp/urls.py."""

urlpatterns = []
