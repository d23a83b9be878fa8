from django.urls import path

from .views import casework

app_name = "casework"

urlpatterns = [
    path("team/", casework.team_caseload, name="team_caseload"),
    path("cases/<int:pk>/reallocate/", casework.case_reallocate, name="case_reallocate"),
    path("cases/<int:pk>/transfer/", casework.case_transfer, name="case_transfer"),
    path("cases/<int:pk>/close/", casework.case_close, name="case_close"),
    path("cases/<int:pk>/reopen/", casework.case_reopen, name="case_reopen"),
    path("people/<int:person_pk>/notes/new/", casework.note_create, name="note_create"),
    path("people/<int:person_pk>/notes/<int:note_pk>/change/", casework.note_edit, name="note_edit"),
    path("people/<int:person_pk>/chronology/", casework.chronology, name="chronology"),
    path(
        "people/<int:person_pk>/status-checks/new/", casework.status_check_create, name="status_check_create"
    ),
    path(
        "people/<int:person_pk>/sharing-decisions/new/",
        casework.sharing_decision_create,
        name="sharing_decision_create",
    ),
]
