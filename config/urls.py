from django.contrib import admin
from django.urls import include, path

from accounts import health

admin.site.site_header = "Case record administration"
admin.site.site_title = "Case record administration"

urlpatterns = [
    path("", include("accounts.urls")),
    path("people/", include("cases.urls")),
    path("health/", health.health, name="health"),
    path("admin/", admin.site.urls),
]
