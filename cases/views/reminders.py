"""Reminder lists: a worker's own open reminders, and the overdue and due work of the teams
a manager leads (DESIGN.md section 7: due work one click from the home page).

Thin views: reads through cases.selectors_reminders; names shown only where the user has a
relationship with the person (the selector enforces it).
"""

from django import forms
from django.http import Http404
from django.shortcuts import render

from accounts.pagination import paginate

from .. import selectors_reminders as reminders
from ..decorators import person_data_required
from ..due_work import registered_kinds
from ..selectors_casework import managed_teams

PAGE_SIZE = 25


class TeamReminderFilterForm(forms.Form):
    """Filters of a team's reminders. Carries no person data, so it is a GET form."""

    use_required_attribute = False
    team = forms.TypedChoiceField(label="Team", coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(label="What is due", required=False)
    worker = forms.ChoiceField(label="Worker", required=False)
    overdue = forms.BooleanField(label="Overdue only", required=False)

    def __init__(self, *args, teams, workers, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", "All your teams")] if len(teams) > 1 else []
        self.fields["team"].choices = [*everyone, *((t.pk, t.name) for t in teams)]
        self.fields["kind"].choices = [("", "All"), *((d.kind, d.label) for d in registered_kinds())]
        self.fields["worker"].choices = [
            ("", "All"),
            ("none", "The team (no worker)"),
            *((str(u.pk), u.display_name) for u in workers),
        ]


@person_data_required
def mine(request):
    """Every open reminder assigned to the user, the most overdue first."""
    page_obj, querystring = paginate(request, reminders.reminders_for(request.user), per_page=PAGE_SIZE)
    page_obj.object_list = reminders.attach_people(request.user, page_obj.object_list)
    return render(request, "cases/reminder_mine.html", {"page_obj": page_obj, "querystring": querystring})


@person_data_required
def team_overdue(request):
    """For team managers and senior practitioners: the open reminders of the teams they
    lead, filtered by team, kind, worker and whether overdue."""
    teams = managed_teams(request.user)
    if not teams:
        raise Http404("Not found")
    filters = TeamReminderFilterForm(request.GET, teams=teams, workers=reminders.workers_in(teams))
    filters.is_valid()
    data = filters.cleaned_data
    team = next((t for t in teams if t.pk == data.get("team")), None)
    if team is None and len(teams) == 1:
        team = teams[0]
    listed = reminders.team_reminders(
        teams,
        team=team,
        kind=data.get("kind", ""),
        overdue_only=data.get("overdue", False),
        worker=data.get("worker", ""),
    )
    page_obj, querystring = paginate(request, listed, per_page=PAGE_SIZE)
    page_obj.object_list = reminders.labelled(reminders.attach_people(request.user, page_obj.object_list))
    return render(
        request,
        "cases/reminder_team.html",
        {
            "teams": teams,
            "team": team,
            "show_team": team is None,
            "filters": filters,
            "filtered": any(data.get(f) for f in ("kind", "worker", "overdue")),
            "page_obj": page_obj,
            "querystring": querystring,
        },
    )
