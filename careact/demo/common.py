"""What every Care Act demo step shares: the open cases, the teams' managers and dates.

Every date counts back from "today" and every event falls on a working day before today, so a
seed gives the same records on the same day whatever time it runs.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import Organisation, Role, Team, User
from cases.demo.people import ANCHOR_PEOPLE, PersonPlan
from cases.demo.registry import DemoContext
from cases.models import Case, CaseStatus
from cases.workdays import is_working_day

BATCH_SIZE = 5000
ICB_NAME = "North and South Integrated Care Board"


@dataclass
class CaseRow:
    """An open case and what the steps need to know about its person."""

    pk: int
    person_id: int
    team_id: int
    worker_id: int | None
    opened: date
    plan: PersonPlan
    anchor: int | None  # 0, 1, 2 for the demo practitioner's fixed people


@dataclass
class World:
    today: date
    people: int
    cases: list[CaseRow]  # open cases, in the order they were made
    managers: dict[int, User]  # team pk -> its team manager
    teams: dict[int, Team]
    councils: dict[str, Organisation]  # "northshire" / "eastmere"
    icb: Organisation
    nhs_start: int  # the first 999-range body after every person's NHS number, for new carers

    @property
    def yesterday(self) -> date:
        return self.today - timedelta(days=1)


def build_world(context: DemoContext) -> World:
    partnership = context.partnership
    teams = {team.pk: team for team in partnership.teams.values()}
    managers = {}
    for key, members in partnership.staff.items():
        for user, role in members:
            if role == Role.TEAM_MANAGER:
                managers.setdefault(partnership.teams[key].pk, user)
    by_person = {plan.person.pk: plan for plan in context.plans}
    anchors = {plan.person.pk: index for index, plan in enumerate(context.plans[:ANCHOR_PEOPLE])}
    rows = (
        Case.objects.filter(status=CaseStatus.OPEN)
        .order_by("pk")
        .values_list("pk", "person_id", "team_id", "worker_id", "opened_at")
    )
    cases = [
        CaseRow(
            pk,
            person_id,
            team,
            worker,
            timezone.localdate(opened),
            by_person[person_id],
            anchors.get(person_id),
        )
        for pk, person_id, team, worker, opened in rows.iterator(chunk_size=BATCH_SIZE)
        if person_id in by_person
    ]
    icb = (
        partnership.organisations.get("icb")
        or Organisation.objects.filter(kind=Organisation.Kind.ICB).first()
    )
    if icb is None:
        icb = Organisation.objects.create(name=ICB_NAME, kind=Organisation.Kind.ICB)
    councils = {
        key: org for key, org in partnership.organisations.items() if org.kind == Organisation.Kind.COUNCIL
    }
    return World(
        today=timezone.localdate(),
        people=context.people,
        cases=cases,
        managers=managers,
        teams=teams,
        councils=councils,
        icb=icb,
        nhs_start=1
        + max((int(p.person.nhs_number[3:9]) for p in context.plans if p.person.nhs_number), default=-1),
    )


def workday(day: date) -> date:
    """The day itself, or the next working day (offices record work on working days)."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def working_days_before(day: date, count: int) -> date:
    while count > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def stamp(day: date, rng: random.Random, first_hour: int = 9, last_hour: int = 17) -> datetime:
    """An aware time in office hours on `day` (London time)."""
    moment = time(rng.randint(first_hour, last_hour), rng.randint(0, 59))
    return datetime.combine(day, moment, tzinfo=timezone.get_default_timezone())


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
