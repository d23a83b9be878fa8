from django.urls import path

from .views import people, privacy

app_name = "cases"

urlpatterns = [
    path("", people.person_search, name="person_search"),
    path("new/", people.person_create, name="person_create"),
    path("<int:pk>/", people.person_detail, name="person_detail"),
    path("<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("<int:pk>/history/", people.person_history, name="person_history"),
    path("<int:pk>/restriction/", people.person_restriction, name="person_restriction"),
    path("<int:pk>/contacts/new/", people.contact_add, name="contact_add"),
    path("<int:pk>/contacts/<int:contact_id>/", people.contact_edit, name="contact_edit"),
    path("<int:pk>/contacts/<int:contact_id>/remove/", people.contact_remove, name="contact_remove"),
    path("<int:pk>/emergency-access/", people.break_glass, name="break_glass"),
    path("emergency-access/reviews/", privacy.break_glass_review_list, name="break_glass_reviews"),
    path(
        "emergency-access/reviews/<int:access_id>/",
        privacy.break_glass_review,
        name="break_glass_review",
    ),
]
