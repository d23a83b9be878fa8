"""Safeguarding pages, mounted at /safeguarding/."""

app_name = "safeguarding"

urlpatterns = []
