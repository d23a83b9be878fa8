"""URLs for the AMHP register; joined into the amhp namespace by amhp/urls.py."""

urlpatterns = []
