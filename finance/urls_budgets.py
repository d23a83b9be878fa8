"""URLs for the budgets area."""

urlpatterns = []
