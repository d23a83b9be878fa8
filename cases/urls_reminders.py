"""Reminder pages (shared by every app): mounted at /reminders/."""

from django.urls import path

from .views import reminders

app_name = "reminders"

urlpatterns = [
    path("mine/", reminders.mine, name="mine"),
    path("team/", reminders.team_overdue, name="team_overdue"),
]
