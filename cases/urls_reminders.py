"""Reminder pages (shared by every app): mounted at /reminders/."""

app_name = "reminders"

urlpatterns = []
