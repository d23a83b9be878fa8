from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import health

admin.site.site_header = "Case record administration"
admin.site.site_title = "Case record administration"

urlpatterns = [
    path("", include("accounts.urls")),
    path("people/", include("cases.urls")),
    path("referrals/", include("cases.urls_referrals")),
    path("casework/", include("cases.urls_casework")),
    path("refer/", include("cases.urls_public")),
    path("care/", include("careact.urls")),
    path("reminders/", include("cases.urls_reminders")),
    path("amhp/", include("amhp.urls")),
    path("safeguarding/", include("safeguarding.urls")),
    path("finance/", include("finance.urls")),
    path("governance/", include("reporting.urls")),
    path("health/", health.health, name="health"),
    # One sign-in page for everyone, so lockout and two-factor cannot be sidestepped.
    path(
        "admin/login/",
        login_not_required(RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    ),
    path("admin/", admin.site.urls),
]
