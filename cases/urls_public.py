"""The public referral front door, at /refer/ (no sign-in)."""

from django.urls import path

from .views import public

app_name = "public"

urlpatterns = [
    path("", public.refer, name="refer"),
    path("sent/", public.thank_you, name="thank_you"),
]
