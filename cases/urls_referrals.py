from django.urls import path

from .views import referrals

app_name = "referrals"

urlpatterns = [
    path("new/", referrals.referral_create, name="new"),
    path("queue/", referrals.triage_queue, name="queue"),
    path("<int:pk>/", referrals.referral_detail, name="detail"),
    path("<int:pk>/received/", referrals.referral_created, name="created"),
    path("<int:pk>/match/", referrals.referral_match, name="match"),
]
