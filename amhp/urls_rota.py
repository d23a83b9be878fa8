"""URLs for the AMHP rota; joined into the amhp namespace by amhp/urls.py."""

urlpatterns = []
