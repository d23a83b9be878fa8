"""Safeguarding pages, mounted at /safeguarding/. Ids only in URLs, never person data."""

from django.urls import path

from .views import concerns, enquiries, oversight, sac

app_name = "safeguarding"

STEP_PATHS = {
    "staff": "staff",
    "strategy": "strategy",
    "msp": "personal",
    "findings": "findings",
    "plan": "plan",
    "review": "review",
    "outcome": "outcome",
}

urlpatterns = [
    path("", oversight.queue, name="queue"),
    path("oversight/", oversight.oversight, name="oversight"),
    path("quality/", oversight.quality, name="quality"),
    path("sac/", sac.sac_return, name="sac"),
    path("sac/all.zip", sac.sac_zip, name="sac_zip"),
    path("sac/<slug:table>.csv", sac.sac_table_csv, name="sac_table_csv"),
    path("concerns/new/", concerns.concern_new, name="concern_new"),
    path("people/<int:person_pk>/concerns/new/", concerns.concern_create, name="concern_create"),
    path("concerns/<int:pk>/", concerns.concern_detail, name="concern_detail"),
    path("concerns/<int:pk>/decide/", concerns.concern_decide, name="concern_decide"),
    path("enquiries/<int:pk>/", enquiries.enquiry_detail, name="enquiry_detail"),
    path("enquiries/<int:pk>/close/", enquiries.enquiry_close, name="enquiry_close"),
    *[
        path(f"enquiries/<int:pk>/{segment}/", enquiries.enquiry_step, {"step": step}, name=f"enquiry_{step}")
        for step, segment in STEP_PATHS.items()
    ],
]
