"""Reads of reminders for the home pages and the reminder lists, scoped to the user.

A reminder carries no name; the person's name is fetched separately, in one query for the
whole page, and only for people the user has a legitimate relationship with
(cases.permissions.relationship_exists), so a reminder left with a worker who has since
lost the relationship shows the work but not who it is about. Every list is a fixed
number of queries however long it is.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Team, User

from .due_work import kind_labels
from .models import Person, Reminder
from .permissions import relationship_exists

PANEL_SIZE = 10


def open_reminder_keys(kind: str) -> list[tuple[int, str, datetime.date]]:
    """(id, subject, due date) of every open reminder of a kind, for a deriver that works
    in Python (a small set by construction: its reminders are resolved as work is done)."""
    return list(
        Reminder.objects.filter(kind=kind, resolved_at__isnull=True).values_list("pk", "subject", "due_on")
    )


def resolved_reminder_keys(kind: str, subjects: list[str]) -> list[tuple[int, str, datetime.date, object]]:
    """(id, subject, due date, resolved at) of the resolved reminders of a kind for these
    subjects: a deriver whose obligation comes back with the same key reopens them."""
    return list(
        Reminder.objects.filter(kind=kind, subject__in=subjects, resolved_at__isnull=False).values_list(
            "pk", "subject", "due_on", "resolved_at"
        )
    )


def _open():
    return Reminder.objects.filter(resolved_at__isnull=True)


def attach_people(user, reminders) -> list[Reminder]:
    """Give each reminder `person_name` (None when the user has no relationship with the
    person) and `overdue`, with one query for all of them."""
    reminders = list(reminders)
    person_ids = {r.person_id for r in reminders if r.person_id}
    names = {}
    if person_ids:
        names = {
            person.pk: person.display_name
            for person in Person.objects.filter(pk__in=person_ids)
            .filter(relationship_exists(user))
            .only("pk", "given_name", "family_name", "preferred_name")
        }
    today = timezone.localdate()
    for reminder in reminders:
        reminder.person_name = names.get(reminder.person_id)
        reminder.overdue = reminder.due_on < today
    return reminders


def labelled(reminders) -> list[Reminder]:
    labels = kind_labels()
    for reminder in reminders:
        reminder.kind_label = labels.get(reminder.kind, reminder.kind)
    return reminders


# --- A worker's own reminders ---------------------------------------------------------------


def reminders_for(user):
    """Open reminders assigned to the user, the most overdue first."""
    return _open().filter(assignee=user).select_related("team").order_by("due_on", "pk")


@dataclass
class ReminderPanel:
    shown: list
    total: int
    overdue: int

    @property
    def due_soon(self) -> int:
        return self.total - self.overdue

    @property
    def more(self) -> bool:
        return self.total > len(self.shown)


def reminder_panel(user, limit: int = PANEL_SIZE) -> ReminderPanel:
    """The home panel: counts, and the first few reminders with the people's names."""
    today = timezone.localdate()
    counts = (
        _open()
        .filter(assignee=user)
        .aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    )
    shown = attach_people(user, reminders_for(user)[:limit]) if counts["total"] else []
    return ReminderPanel(shown=shown, total=counts["total"], overdue=counts["overdue"])


# --- Managers: the teams they lead --------------------------------------------------------


@dataclass
class TeamOverdue:
    team: Team
    rows: list  # [(kind, label, count)]

    @property
    def total(self) -> int:
        return sum(count for _, _, count in self.rows)


def overdue_by_team(teams: list[Team]) -> list[TeamOverdue]:
    """Overdue reminders per kind in each team: one query whatever the number of teams."""
    today = timezone.localdate()
    labels = kind_labels()
    counts: dict[int, list] = {team.pk: [] for team in teams}
    rows = (
        _open()
        .filter(team__in=teams, due_on__lt=today)
        .values("team_id", "kind")
        .annotate(n=Count("pk"))
        .order_by("team_id", "kind")
    )
    for row in rows:
        counts[row["team_id"]].append((row["kind"], labels.get(row["kind"], row["kind"]), row["n"]))
    return [TeamOverdue(team=team, rows=counts[team.pk]) for team in teams]


def team_reminders(teams: list[Team], *, team=None, kind="", overdue_only=False, worker=""):
    """Open reminders in the given teams, filtered; `worker` is a user id or "none" for the
    team's own (unassigned) reminders. Oldest due date first."""
    reminders = _open().filter(team__in=[team] if team else teams)
    if kind:
        reminders = reminders.filter(kind=kind)
    if overdue_only:
        reminders = reminders.filter(due_on__lt=timezone.localdate())
    if worker == "none":
        reminders = reminders.filter(assignee__isnull=True)
    elif worker:
        reminders = reminders.filter(assignee_id=worker)
    return reminders.select_related("team", "assignee").order_by("due_on", "pk")


def workers_in(teams: list[Team]):
    """People who hold reminders in these teams, or are current members (filter choices)."""
    from accounts.models import Membership

    members = Membership.objects.current().filter(team__in=teams).values("user_id")
    holders = _open().filter(team__in=teams, assignee__isnull=False).values("assignee_id")
    return User.objects.filter(Q(pk__in=members) | Q(pk__in=holders)).order_by("full_name", "email")
