"""The AMHP service demo data that `manage.py seed_demo` adds (amhp.demo).

One small world is seeded once for the module (inside a transaction rolled back at the end), on
a fixed day, with the AMHP seeder held back; then the AMHP seeder runs twice on it, the first run
rolled back, so the two can be compared.
"""

import datetime
from io import StringIO
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import EmploymentType, Membership, Role, User
from amhp import rules
from amhp.demo import seed_amhp
from amhp.models import (
    AmhpProfile,
    Approval,
    MhaAssessment,
    MhaRequest,
    MhaRequestTransition,
    Outcome,
    RequestStatus,
    Shift,
    ShiftAssignment,
    ShiftPattern,
    ShiftSwap,
    TrainingRecord,
)
from amhp.selectors_register import register_row
from amhp.selectors_reporting import monthly_figures
from amhp.selectors_requests import board_rows, live_requests
from amhp.selectors_rota import find_gaps, on_duty
from amhp.services.register import first_invalid_day, latest_expiry
from amhp.services.rota import shift_dates
from cases.demo.organisations import DEMO_LOGIN_EMAILS
from cases.demo.registry import register_demo_seeder, registered_seeders, unregister_demo_seeder
from cases.models import (
    PersonGroupObjectPermission,
    PersonUserObjectPermission,
    Relationship,
    RelationshipKind,
)
from cases.permissions import get_person_for_user
from cases.workdays import bank_holidays

PEOPLE = 300
SEED = 5
# Tuesday 24 November 2026, mid-afternoon: the rota runs to the end of January, over Christmas.
NOW = datetime.datetime(2026, 11, 24, 15, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 24)

MODELS = (
    AmhpProfile,
    Approval,
    TrainingRecord,
    ShiftPattern,
    Shift,
    ShiftAssignment,
    ShiftSwap,
    MhaRequest,
    MhaAssessment,
    MhaRequestTransition,
    Relationship,
)


def snapshot() -> dict:
    """Counts, and content without primary keys."""
    return {
        "counts": {model.__name__: model.objects.count() for model in MODELS},
        "approvals": sorted(
            (a.amhp.user.email, a.approved_on, a.expires_on)
            for a in Approval.objects.select_related("amhp__user")
        ),
        "assignments": sorted(
            (a.amhp.user.email, str(a.shift.starts_at), str(a.removed_at))
            for a in ShiftAssignment.objects.select_related("amhp__user", "shift")
        ),
        "requests": sorted(
            (r.reference, r.person.nhs_number, r.status, r.legal_status, str(r.received_at))
            for r in MhaRequest.objects.select_related("person")
        ),
    }


class RolledBack(Exception):
    pass


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    saved = {s.name: s for s in registered_seeders()}
    unregister_demo_seeder("amhp")
    contexts = []

    def capture(context):
        contexts.append(context)
        return {"contexts": len(contexts)}

    register_demo_seeder("test-capture", capture, order=200)
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with time_machine.travel(NOW, tick=False):
                call_command("seed_demo", people=PEOPLE, seed=SEED, stdout=StringIO())
                try:
                    with transaction.atomic():
                        seed_amhp(contexts[0])
                        first = snapshot()
                        raise RolledBack
                except RolledBack:
                    pass
                counts = seed_amhp(contexts[0])
                yield SimpleNamespace(first=first, second=snapshot(), counts=counts)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            unregister_demo_seeder("test-capture")
            for seeder in saved.values():
                register_demo_seeder(seeder.name, seeder.fn, seeder.order)


def team(key_name: str):
    from accounts.models import Team

    return Team.objects.get(name=key_name)


NORTHSHIRE, EASTMERE = "Northshire AMHP Service", "Eastmere AMHP Service"


def demo_user(role) -> User:
    return User.objects.get(email=DEMO_LOGIN_EMAILS[role])


def test_the_same_seed_gives_the_same_data(world, db):
    assert world.first == world.second
    assert world.counts["AMHP profiles"] == AmhpProfile.objects.count()
    assert world.counts["MHA requests"] == MhaRequest.objects.count()


# --- The register ----------------------------------------------------------------------------


def test_every_amhp_of_the_teams_is_on_the_register_with_the_extra_ones(world, db):
    amhp_members = Membership.objects.current().filter(
        team__name__in=[NORTHSHIRE, EASTMERE], role__in=[Role.AMHP, Role.AMHP_LEAD]
    )
    assert set(AmhpProfile.objects.values_list("user_id", flat=True)) == set(
        amhp_members.values_list("user_id", flat=True)
    )
    assert AmhpProfile.objects.filter(user=demo_user(Role.AMHP)).exists()
    assert AmhpProfile.objects.filter(user=demo_user(Role.AMHP_LEAD)).exists()
    assert AmhpProfile.history.count() == AmhpProfile.objects.count()
    # The extra AMHPs have no login, and the staff stay within the core seed's bounds.
    extras = User.objects.filter(full_name__in=["Morwenna Tregarthen", "Idris Pennant", "Farah Lindqvist"])
    assert extras.count() == 3 and not any(u.has_usable_password() for u in extras)
    assert User.objects.filter(memberships__isnull=False).distinct().count() <= 70


def test_approvals_last_at_most_five_years_and_cover_today(world, db):
    for approval in Approval.objects.all():
        assert approval.approved_on < approval.expires_on <= latest_expiry(approval.approved_on)
        assert approval.approved_on <= TODAY
    for profile in AmhpProfile.objects.prefetch_related("approvals"):
        assert first_invalid_day(profile.approvals.all(), TODAY, TODAY) is None, profile.user


def test_the_register_shows_a_locum_an_expiring_approval_and_training_behind(world, db):
    rows = {p.user.full_name: register_row(p, TODAY) for p in AmhpProfile.objects.select_related("user")}
    morwenna = AmhpProfile.objects.get(user__full_name="Morwenna Tregarthen")
    assert morwenna.employment_type == EmploymentType.LOCUM and morwenna.is_locum
    assert rows["Idris Pennant"].expiring_soon and 0 < rows["Idris Pennant"].days_left <= 90
    assert rows["Farah Lindqvist"].training_behind
    assert [name for name, row in rows.items() if row.expiring_soon] == ["Idris Pennant"]
    assert [name for name, row in rows.items() if row.training_behind] == ["Farah Lindqvist"]


def test_every_complete_approval_year_has_its_18_hours(world, db):
    from amhp.services.register import training_hours_by_year

    for profile in AmhpProfile.objects.prefetch_related("approvals", "training"):
        for approval in profile.approvals.all():
            for year in training_hours_by_year(approval, profile.training.all(), TODAY):
                assert year.status != "short", (profile.user, year)


# --- The rota --------------------------------------------------------------------------------


def test_shifts_run_from_this_month_to_the_end_of_january_with_bank_holidays(world, db):
    for name in (NORTHSHIRE, EASTMERE):
        shifts = Shift.objects.filter(team=team(name))
        assert shifts.earliest("date").date == datetime.date(2026, 11, 1)
        assert shifts.latest("date").date == datetime.date(2027, 1, 31)
        assert ShiftPattern.objects.filter(team=team(name)).count() == 5
        holidays = set(shifts.filter(is_bank_holiday=True).values_list("date", flat=True))
        expected = {d for y in (2026, 2027) for d in bank_holidays(y)}
        assert holidays == {
            d for d in expected if datetime.date(2026, 11, 1) <= d <= datetime.date(2027, 1, 31)
        }
        assert {
            datetime.date(2026, 12, 25),
            datetime.date(2026, 12, 28),
            datetime.date(2027, 1, 1),
        } <= holidays


def test_assignments_only_for_amhps_valid_on_every_day_of_the_shift(world, db):
    current = ShiftAssignment.objects.filter(removed_at__isnull=True).select_related("shift", "amhp__user")
    assert current.count() > 500
    members = set(
        Membership.objects.current()
        .filter(role__in=[Role.AMHP, Role.AMHP_LEAD])
        .values_list("user_id", "team_id")
    )
    approvals = {}
    for approval in Approval.objects.all():
        approvals.setdefault(approval.amhp_id, []).append(approval)
    for assignment in current:
        first, last = shift_dates(assignment.shift.starts_at, assignment.shift.ends_at)
        assert first_invalid_day(approvals[assignment.amhp_id], first, last) is None
        assert (assignment.amhp.user_id, assignment.shift.team_id) in members
        assert assignment.is_locum == assignment.amhp.is_locum
        assert assignment.assigned_at <= timezone.now()
    # Idris's approval ends within the rota: he is on no shift after it.
    idris = AmhpProfile.objects.get(user__full_name="Idris Pennant")
    ends = idris.approvals.get().expires_on
    assert current.filter(amhp=idris).exists()
    assert not current.filter(amhp=idris, shift__ends_at__date__gt=ends).exists()


def test_no_amhp_works_overlapping_shifts(world, db):
    by_amhp = {}
    for a in ShiftAssignment.objects.filter(removed_at__isnull=True).select_related("shift"):
        by_amhp.setdefault(a.amhp_id, []).append((a.shift.starts_at, a.shift.ends_at))
    for spans in by_amhp.values():
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert start >= end + datetime.timedelta(hours=11)


def test_the_past_is_covered_and_the_future_mostly_with_some_gaps(world, db):
    now = timezone.now()
    northshire = team(NORTHSHIRE)
    report = find_gaps([northshire.pk], now=now, days=(datetime.date(2027, 1, 31) - TODAY).days + 1)
    assert report.rows and report.not_built == 0
    future = Shift.objects.filter(team=northshire, starts_at__gt=now).count()
    assert len(report.rows) < future * 0.25
    # Over Christmas and New Year there are more.
    festive = [r for r in report.rows if datetime.date(2026, 12, 24) <= r.date <= datetime.date(2027, 1, 2)]
    assert len(festive) >= 3
    assert any(r.is_bank_holiday for r in festive)
    for shift in Shift.objects.filter(team=northshire, date__lte=TODAY).prefetch_related("assignments"):
        covered = sum(1 for a in shift.assignments.all() if a.removed_at is None)
        assert covered >= shift.minimum_amhps, shift
    on_now = on_duty([northshire.pk], now)
    assert on_now and all(row.covered >= row.minimum for row in on_now)


def test_swaps_and_a_removal_are_recorded(world, db):
    swaps = ShiftSwap.objects.select_related("from_assignment", "to_assignment")
    assert swaps.exists()
    for swap in swaps:
        assert swap.from_assignment.removed_at is not None
        assert swap.from_assignment.removal_reason.startswith("Swapped: ")
        assert swap.to_assignment.removed_at is None
        assert swap.to_assignment.shift_id == swap.from_assignment.shift_id == swap.shift_id
    assert ShiftAssignment.objects.filter(removal_reason="Off sick").exists()


# --- Requests --------------------------------------------------------------------------------


def test_a_year_of_requests_with_assessments_delays_and_breaches(world, db):
    northshire = team(NORTHSHIRE)
    past = MhaRequest.objects.filter(team=northshire).exclude(
        status__in=[RequestStatus.OPEN, RequestStatus.ALLOCATED]
    )
    months = {timezone.localtime(r.received_at).strftime("%Y-%m") for r in past}
    assert len(months) >= 8
    assert {RequestStatus.ASSESSED} <= set(past.values_list("status", flat=True))
    figures = monthly_figures(northshire, today=TODAY)
    assert sum(m.requests for m in figures) > 0
    assert sum(m.assessments for m in figures) > 0
    assert sum(m.breaches for m in figures) >= 1
    assert MhaRequest.objects.filter(team=northshire, extension_hours__gt=0).exists()
    assert MhaAssessment.objects.filter(delays__isnull=False).exists()
    assert MhaAssessment.history.count() == MhaAssessment.objects.count()
    # One request per person, so each team relationship has its own permission rows.
    assert MhaRequest.objects.values("person").distinct().count() == MhaRequest.objects.count()


def test_every_application_passes_the_rules_in_force(world, db):
    applications = MhaAssessment.objects.filter(
        outcome__in=[Outcome.S2, Outcome.S3, Outcome.S4]
    ).prefetch_related("recommendations")
    assert applications.filter(outcome=Outcome.S2).exists()
    for a in applications:
        applied_on = timezone.localtime(a.application_made_at).date()
        messages = rules.check_application(
            outcome=a.outcome,
            application_date=applied_on,
            recommendations=[
                r for r in a.recommendations.all() if a.s4_converted_at is None or r.examined_on <= applied_on
            ],
            nearest_relative_contact=a.nearest_relative_contact,
            nearest_relative_objected=a.nearest_relative_objected,
            nearest_relative_name=a.nearest_relative_name,
        )
        messages += rules.check_amhp_saw_patient(
            outcome=a.outcome, seen_at=a.assessed_at, application_at=a.application_made_at
        )
        assert messages == [], (a.request.reference, messages)
        assert a.assessed_at >= a.request.received_at
        assert a.recorded_at <= timezone.now()


def test_live_requests_today_show_a_clock_near_its_end_and_a_breach(world, db):
    amhp = demo_user(Role.AMHP)
    rows = board_rows(live_requests(amhp))
    bands = {row.clock.band for row in rows if row.clock}
    assert {"amber", "breached"} <= bands
    amber = next(row for row in rows if row.clock and row.clock.band == "amber")
    assert datetime.timedelta(hours=4, minutes=30) < amber.clock.remaining <= datetime.timedelta(hours=5)
    assert amber.request.legal_status == "s136" and amber.request.allocated_amhp == amhp
    assert any(row.request.status == RequestStatus.OPEN for row in rows)
    assert MhaRequest.objects.filter(team=team(EASTMERE), status=RequestStatus.OPEN).exists()


def test_access_is_granted_as_the_services_would(world, db):
    amhp = demo_user(Role.AMHP)
    mine = MhaRequest.objects.filter(allocated_amhp=amhp).exclude(status=RequestStatus.WITHDRAWN)
    assert mine.exists()
    for request in mine:
        access = get_person_for_user(amhp, request.person_id, what="test")
        assert access.person == request.person
    for request in MhaRequest.objects.select_related("team"):
        source = f"mharequest:{request.pk}"
        held = Relationship.objects.active().filter(source=source, kind=RelationshipKind.MHA_ASSESSMENT)
        if request.status == RequestStatus.WITHDRAWN:
            assert not held.exists()
            continue
        team_rel = held.get(team=request.team)
        assert team_rel.started_at == request.received_at
        if request.allocated_amhp_id:
            assert held.get(user_id=request.allocated_amhp_id).started_at == request.allocated_at
    # Each AMHP team relationship has its own two permission rows (one request per person), and
    # every allocated AMHP holds the permissions on their person.
    amhp_teams = [team(NORTHSHIRE), team(EASTMERE)]
    team_relationships = Relationship.objects.filter(team__in=amhp_teams)
    assert team_relationships.count() == MhaRequest.objects.exclude(status=RequestStatus.WITHDRAWN).count()
    group_perms = PersonGroupObjectPermission.objects.filter(group__in=[t.group for t in amhp_teams])
    assert group_perms.count() == 2 * team_relationships.count()
    for request in MhaRequest.objects.exclude(status=RequestStatus.WITHDRAWN).exclude(allocated_amhp=None):
        assert (
            PersonUserObjectPermission.objects.filter(
                user_id=request.allocated_amhp_id, content_object_id=request.person_id
            ).count()
            == 2
        )
