"""Care Act compliance figures for the teams a manager leads (issue 4, "Compliance figures").

Aggregates only; for team managers and senior practitioners, with a switcher between their
teams. Others get 404, as for the other team pages.
"""

from django.http import Http404
from django.shortcuts import render

from cases.decorators import person_data_required
from cases.selectors_casework import managed_teams

from ..selectors_compliance import team_compliance


@person_data_required
def compliance(request):
    teams = managed_teams(request.user)
    if not teams:
        raise Http404("Not found")
    team = next((t for t in teams if str(t.pk) == request.GET.get("team")), teams[0])
    return render(
        request,
        "careact/compliance.html",
        {"teams": teams, "team": team, "figures": team_compliance(team)},
    )
