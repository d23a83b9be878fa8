"""The AMHP rota: patterns, building a month (bank holidays, clock changes), assigning,
swaps, gaps and who is on duty."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from amhp import services
from amhp.models import AmhpProfile, Shift, ShiftAssignment, ShiftKind, ShiftPattern, ShiftSwap
from amhp.selectors_rota import candidates, find_gaps, next_assignment, on_duty, rota_days
from amhp.services.rota import pattern_coverage_gaps, shift_hours, shift_times

pytestmark = pytest.mark.django_db

D = datetime.date
LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC


def moment(day, hour=10, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def at(day, hour=10, minute=0):
    return time_machine.travel(moment(day, hour, minute), tick=False)


def profile_of(user) -> AmhpProfile:
    return AmhpProfile.objects.get(user=user)


def patterns(team, lead, *names):
    created = services.set_up_usual_patterns(team=team, by=lead)
    if names:
        ShiftPattern.objects.filter(team=team).exclude(name__in=names).update(is_active=False)
    return {p.name: p for p in created}


def shift(team, name, day) -> Shift:
    return Shift.objects.get(team=team, pattern__name=name, date=day)


# --- Times -------------------------------------------------------------------------------


def test_the_night_across_the_october_change_is_12_hours_and_march_10():
    night = ShiftPattern(starts_at=datetime.time(22), ends_at=datetime.time(9))
    start, end = shift_times(night, D(2026, 10, 24))
    assert (start.astimezone(UTC), end.astimezone(UTC)) == (
        datetime.datetime(2026, 10, 24, 21, tzinfo=UTC),
        datetime.datetime(2026, 10, 25, 9, tzinfo=UTC),
    )
    assert shift_hours(start, end) == Decimal(12)
    assert shift_hours(*shift_times(night, D(2027, 3, 27))) == Decimal(10)
    assert shift_hours(*shift_times(night, D(2026, 11, 2))) == Decimal(11)
    day = ShiftPattern(starts_at=datetime.time(9), ends_at=datetime.time(9))
    assert shift_hours(*shift_times(day, D(2026, 11, 2))) == Decimal(24)  # 24-hour on-call


# --- Patterns ----------------------------------------------------------------------------


def test_usual_patterns_cover_every_hour_once_only(amhp_team, amhp_lead, amhp_user):
    created = services.set_up_usual_patterns(team=amhp_team, by=amhp_lead)
    assert {(p.name, p.starts_at.hour, p.ends_at.hour, p.minimum_amhps) for p in created} == {
        ("Weekday day", 9, 17, 2),
        ("Evening", 17, 22, 1),
        ("Night", 22, 9, 1),
        ("Weekend day", 9, 17, 1),
        ("Bank holiday day", 9, 17, 1),
    }
    assert pattern_coverage_gaps(created) == []
    with pytest.raises(services.DomainError, match="already has shift patterns"):
        services.set_up_usual_patterns(team=amhp_team, by=amhp_lead)
    with pytest.raises(services.DomainError, match="Only the AMHP lead"):
        services.set_up_usual_patterns(team=amhp_team, by=amhp_user)
    bank_holiday = next(p for p in created if p.kind == ShiftKind.BANK_HOLIDAY_DAY)
    bank_holiday.is_active = False
    assert pattern_coverage_gaps(created) == [("bank holidays", [(datetime.time(9), datetime.time(17))])]


def test_pattern_rules(amhp_team, amhp_lead):
    data = {
        "name": "Day",
        "kind": ShiftKind.WEEKDAY_DAY,
        "applies_on": ShiftPattern.AppliesOn.WEEKDAYS,
        "starts_at": datetime.time(9),
        "ends_at": datetime.time(17),
        "minimum_amhps": 0,
    }
    with pytest.raises(services.DomainError, match="At least one AMHP"):
        services.create_pattern(team=amhp_team, data=data, by=amhp_lead)
    pattern = services.create_pattern(team=amhp_team, data={**data, "minimum_amhps": 2}, by=amhp_lead)
    with pytest.raises(services.DomainError, match="already a shift pattern called Day"):
        services.create_pattern(team=amhp_team, data={**data, "minimum_amhps": 1}, by=amhp_lead)
    services.update_pattern(
        pattern_id=pattern.pk, data={**data, "minimum_amhps": 3}, is_active=False, by=amhp_lead
    )
    pattern.refresh_from_db()
    assert (pattern.minimum_amhps, pattern.is_active) == (3, False)


# --- Building a month --------------------------------------------------------------------


def test_building_december_with_christmas_bank_holidays(amhp_team, amhp_lead):
    patterns(amhp_team, amhp_lead)
    with at(D(2026, 11, 30)):
        result = services.build_rota(team=amhp_team, month=D(2026, 12, 1), by=amhp_lead)
    # 31 days: evening and night every day (62); bank holidays 25, 26 (Boxing Day, a
    # Saturday) and 28 (its substitute); weekdays 23 less 2; weekend days 8 less 1.
    assert result.bank_holidays == [D(2026, 12, 25), D(2026, 12, 26), D(2026, 12, 28)]
    assert result.created == 62 + 3 + 21 + 7
    assert result.already_built == 0

    def names(day):
        return sorted(Shift.objects.filter(team=amhp_team, date=day).values_list("pattern__name", flat=True))

    assert names(D(2026, 12, 24)) == ["Evening", "Night", "Weekday day"]
    assert names(D(2026, 12, 25)) == ["Bank holiday day", "Evening", "Night"]
    assert names(D(2026, 12, 26)) == ["Bank holiday day", "Evening", "Night"]  # not the weekend day too
    assert names(D(2026, 12, 27)) == ["Evening", "Night", "Weekend day"]
    assert names(D(2026, 12, 28)) == ["Bank holiday day", "Evening", "Night"]
    christmas = shift(amhp_team, "Bank holiday day", D(2026, 12, 25))
    assert christmas.is_bank_holiday and christmas.minimum_amhps == 1
    assert not shift(amhp_team, "Night", D(2026, 12, 24)).is_bank_holiday
    assert timezone.localtime(christmas.starts_at).hour == 9

    # Building again adds nothing; January brings New Year's Day.
    with at(D(2026, 11, 30)):
        again = services.build_rota(team=amhp_team, month=D(2026, 12, 1), by=amhp_lead)
        january = services.build_rota(team=amhp_team, month=D(2027, 1, 1), by=amhp_lead)
    assert (again.created, again.already_built) == (0, result.created)
    assert january.bank_holidays == [D(2027, 1, 1)]
    assert shift(amhp_team, "Bank holiday day", D(2027, 1, 1)).is_bank_holiday


def test_building_october_across_the_clock_change(amhp_team, amhp_lead):
    patterns(amhp_team, amhp_lead, "Night")
    with at(D(2026, 9, 15)):
        services.build_rota(team=amhp_team, month=D(2026, 10, 1), by=amhp_lead)
    night = shift(amhp_team, "Night", D(2026, 10, 24))
    assert night.ends_at - night.starts_at == datetime.timedelta(hours=12)
    assert timezone.localtime(night.starts_at).hour == 22 and timezone.localtime(night.ends_at).hour == 9
    normal = shift(amhp_team, "Night", D(2026, 10, 23))
    assert normal.ends_at - normal.starts_at == datetime.timedelta(hours=11)


def test_build_refusals(amhp_team, amhp_lead, amhp_user):
    with at(D(2026, 11, 30)):
        with pytest.raises(services.DomainError, match="Set up the shift patterns"):
            services.build_rota(team=amhp_team, month=D(2026, 12, 1), by=amhp_lead)
        patterns(amhp_team, amhp_lead)
        with pytest.raises(services.DomainError, match="That month has passed"):
            services.build_rota(team=amhp_team, month=D(2026, 10, 1), by=amhp_lead)
        with pytest.raises(services.DomainError, match="up to 12 months ahead"):
            services.build_rota(team=amhp_team, month=D(2027, 12, 1), by=amhp_lead)
        with pytest.raises(services.DomainError, match="Only the AMHP lead"):
            services.build_rota(team=amhp_team, month=D(2026, 12, 1), by=amhp_user)
        # This month: from today on, not the days already past.
        result = services.build_rota(team=amhp_team, month=D(2026, 11, 1), by=amhp_lead)
    assert result.created == 3  # Monday 30th: weekday day, evening, night
    assert not Shift.objects.filter(date__lt=D(2026, 11, 30)).exists()


# --- Assigning ---------------------------------------------------------------------------


@pytest.fixture
def december(amhp_team, amhp_lead):
    patterns(amhp_team, amhp_lead)
    with at(D(2026, 11, 30)):
        services.build_rota(team=amhp_team, month=D(2026, 12, 1), by=amhp_lead)
        services.build_rota(team=amhp_team, month=D(2027, 3, 1), by=amhp_lead)


def test_only_an_amhp_approved_for_every_hour_can_be_assigned(amhp_team, amhp_lead, amhp_user, december):
    from tests.amhp.conftest import make_amhp

    # Approval 3 March 2022 to 2 March 2027: the night of 2 March runs into 3 March.
    ending = make_amhp(
        amhp_team, name="Ed Ending", email="ed@example.org", approved_on=D(2022, 3, 3), by=amhp_lead
    )
    night = shift(amhp_team, "Night", D(2027, 3, 2))
    day = shift(amhp_team, "Weekday day", D(2027, 3, 2))
    with at(D(2026, 11, 30)):
        with pytest.raises(services.DomainError) as refused:
            services.assign_amhp(shift_id=night.pk, amhp_id=profile_of(ending).pk, by=amhp_lead)
        assert str(refused.value) == "Ed Ending's approval is not valid on 3 March 2027"
        services.assign_amhp(shift_id=day.pk, amhp_id=profile_of(ending).pk, by=amhp_lead)  # last day: fine
        able, unable = candidates(night)
        assert [c.name for c in able] == ["Asha Amhp"]
        assert [(c.name, c.reason) for c in unable] == [("Ed Ending", "approval not valid on 3 March 2027")]

        # A renewal from 3 March covers the night.
        services.record_approval(amhp_id=profile_of(ending).pk, approved_on=D(2027, 3, 3), by=amhp_lead)
        assignment = services.assign_amhp(shift_id=night.pk, amhp_id=profile_of(ending).pk, by=amhp_lead)
    assert not assignment.is_locum and assignment.assigned_by == amhp_lead


def test_overlaps_repeats_strangers_and_ended_shifts_are_refused(
    amhp_team, amhp_lead, amhp_user, locum_amhp, december
):
    from tests.factories import make_member

    profile = profile_of(amhp_user)
    night = shift(amhp_team, "Night", D(2026, 12, 1))
    with at(D(2026, 11, 30)):
        services.assign_amhp(shift_id=night.pk, amhp_id=profile.pk, by=amhp_lead)
        with pytest.raises(services.DomainError, match="Asha Amhp is already on this shift"):
            services.assign_amhp(shift_id=night.pk, amhp_id=profile.pk, by=amhp_lead)
        # A 24-hour on-call from 08:00 on 2 December overlaps the night ending at 09:00.
        on_call = services.create_pattern(
            team=amhp_team,
            data={
                "name": "On call",
                "kind": ShiftKind.WEEKDAY_DAY,
                "applies_on": ShiftPattern.AppliesOn.WEEKDAYS,
                "starts_at": datetime.time(8),
                "ends_at": datetime.time(8),
                "minimum_amhps": 1,
            },
            by=amhp_lead,
        )
        start, end = shift_times(on_call, D(2026, 12, 2))
        on_call_shift = Shift.objects.create(
            team=amhp_team,
            pattern=on_call,
            date=D(2026, 12, 2),
            starts_at=start,
            ends_at=end,
            minimum_amhps=1,
        )
        with pytest.raises(
            services.DomainError, match="already on the night shift starting 1 December 2026 at 22:00"
        ):
            services.assign_amhp(shift_id=on_call_shift.pk, amhp_id=profile.pk, by=amhp_lead)
        # Back to back is not an overlap.
        services.assign_amhp(
            shift_id=shift(amhp_team, "Weekday day", D(2026, 12, 2)).pk, amhp_id=profile.pk, by=amhp_lead
        )
        with pytest.raises(services.DomainError, match="Only the AMHP lead"):
            services.assign_amhp(shift_id=night.pk, amhp_id=profile_of(locum_amhp).pk, by=amhp_user)
        outsider = make_member(amhp_team, full_name="Pat Other")
        outsider_profile = AmhpProfile.objects.create(
            user=outsider, profession="nurse", employer=amhp_team.organisation
        )
        with pytest.raises(services.DomainError, match="not a current member of this AMHP team"):
            services.assign_amhp(shift_id=night.pk, amhp_id=outsider_profile.pk, by=amhp_lead)
    locum = services.assign_amhp(shift_id=night.pk, amhp_id=profile_of(locum_amhp).pk, by=amhp_lead)
    assert locum.is_locum
    with at(D(2026, 12, 2), 9, 30), pytest.raises(services.DomainError, match="This shift has ended"):
        services.remove_assignment(assignment_id=locum.pk, reason="x", by=amhp_lead)


def test_remove_keeps_the_row_and_a_repeat_is_a_no_op(amhp_team, amhp_lead, amhp_user, december):
    night = shift(amhp_team, "Night", D(2026, 12, 1))
    with at(D(2026, 11, 30)):
        assignment = services.assign_amhp(shift_id=night.pk, amhp_id=profile_of(amhp_user).pk, by=amhp_lead)
        with pytest.raises(services.DomainError, match="Enter why"):
            services.remove_assignment(assignment_id=assignment.pk, reason="  ", by=amhp_lead)
        services.remove_assignment(assignment_id=assignment.pk, reason="Sick", by=amhp_lead)
        removed_at = ShiftAssignment.objects.get(pk=assignment.pk).removed_at
        services.remove_assignment(assignment_id=assignment.pk, reason="Again", by=amhp_lead)
        # Taken off, they can be put back on.
        services.assign_amhp(shift_id=night.pk, amhp_id=profile_of(amhp_user).pk, by=amhp_lead)
    assignment.refresh_from_db()
    assert (assignment.removal_reason, assignment.removed_by, assignment.removed_at) == (
        "Sick",
        amhp_lead,
        removed_at,
    )
    assert ShiftAssignment.objects.filter(shift=night).count() == 2


def test_a_swap_keeps_both_and_needs_a_valid_amhp(amhp_team, amhp_lead, amhp_user, locum_amhp, december):
    night = shift(amhp_team, "Night", D(2026, 12, 1))
    locum = profile_of(locum_amhp)
    with at(D(2026, 11, 30)):
        assignment = services.assign_amhp(shift_id=night.pk, amhp_id=profile_of(amhp_user).pk, by=amhp_lead)
        locum.approvals.update(expires_on=D(2026, 12, 1))  # the night runs into 2 December
        with pytest.raises(
            services.DomainError, match="Luca Locum's approval is not valid on 2 December 2026"
        ):
            services.record_swap(
                assignment_id=assignment.pk, to_amhp_id=locum.pk, reason="Leave", by=amhp_lead
            )
        assert ShiftAssignment.objects.get(pk=assignment.pk).removed_at is None  # nothing half done
        with pytest.raises(services.DomainError, match="different AMHP"):
            services.record_swap(
                assignment_id=assignment.pk, to_amhp_id=assignment.amhp_id, reason="x", by=amhp_lead
            )
        locum.approvals.update(expires_on=D(2027, 12, 1))
        swap = services.record_swap(
            assignment_id=assignment.pk, to_amhp_id=locum.pk, reason="Leave", by=amhp_lead
        )
    swap = ShiftSwap.objects.select_related("from_assignment", "to_assignment").get(pk=swap.pk)
    assert (
        swap.from_assignment.amhp.user == amhp_user
        and swap.from_assignment.removal_reason == "Swapped: Leave"
    )
    assert (
        swap.to_assignment.amhp == locum
        and swap.to_assignment.is_locum
        and swap.to_assignment.removed_at is None
    )
    assert swap.reason == "Leave" and swap.recorded_by == amhp_lead


# --- Gaps --------------------------------------------------------------------------------


@pytest.fixture
def christmas_week(amhp_team, amhp_lead):
    """Weekday days (minimum 2), bank holiday days and nights; December built on Monday 21st."""
    patterns(amhp_team, amhp_lead, "Weekday day", "Bank holiday day", "Night")
    with at(D(2026, 12, 21)):
        services.build_rota(team=amhp_team, month=D(2026, 12, 1), by=amhp_lead)


def test_gap_hours_count_shift_hours_times_amhps_missing(
    amhp_team, amhp_lead, amhp_user, locum_amhp, christmas_week
):
    now = moment(D(2026, 12, 21), 10)
    report = find_gaps([amhp_team.pk], now=now, days=7)
    # Days 21-24 Dec: the running one 7 hours left x 2, then 3 x 8 x 2; 25 and 26 Dec
    # bank holiday days 2 x 8; seven nights of 11 hours.
    assert report.total_hours == 14 + 48 + 16 + 77
    assert len(report.rows) == 4 + 2 + 7 and report.not_built == 0
    assert report.bank_holiday_rows == 2 + 2  # the days and nights of 25 and 26 December
    with at(D(2026, 12, 21), 10):
        for user in (amhp_user, locum_amhp):
            services.assign_amhp(
                shift_id=shift(amhp_team, "Weekday day", D(2026, 12, 22)).pk,
                amhp_id=profile_of(user).pk,
                by=amhp_lead,
            )
        services.assign_amhp(
            shift_id=shift(amhp_team, "Weekday day", D(2026, 12, 23)).pk,
            amhp_id=profile_of(amhp_user).pk,
            by=amhp_lead,
        )
    report = find_gaps([amhp_team.pk], now=now, days=7)
    assert report.total_hours == 155 - 16 - 8
    under = next(r for r in report.rows if r.date == D(2026, 12, 23) and r.pattern.name == "Weekday day")
    assert (under.status, under.missing) == ("under", 1)

    # An approval suspended from 23 December leaves that shift uncovered again.
    with at(D(2026, 12, 21), 10):
        services.end_approval(
            approval_id=profile_of(amhp_user).approvals.get().pk,
            ended_on=D(2026, 12, 23),
            how="suspended",
            reason="x",
            by=amhp_lead,
        )
    assert find_gaps([amhp_team.pk], now=now, days=7).total_hours == 155 - 16


def test_a_rota_not_built_is_a_gap_over_new_year(amhp_team, amhp_lead, christmas_week):
    report = find_gaps([amhp_team.pk], now=moment(D(2026, 12, 21), 10), days=14)
    unbuilt = [(r.date, r.pattern.name) for r in report.rows if not r.built]
    assert unbuilt == [
        (D(2027, 1, 1), "Bank holiday day"),
        (D(2027, 1, 1), "Night"),
        (D(2027, 1, 2), "Night"),
        (D(2027, 1, 3), "Night"),
    ]
    new_year = next(r for r in report.rows if not r.built and r.pattern.name == "Bank holiday day")
    assert new_year.is_bank_holiday and new_year.gap_hours(report.now) == 8


def test_gap_finder_queries_do_not_grow(amhp_team, amhp_lead, amhp_user, locum_amhp, christmas_week):
    now = moment(D(2026, 12, 21), 10)

    def put_on(day, user):
        night = shift(amhp_team, "Night", D(2026, 12, day))
        services.assign_amhp(shift_id=night.pk, amhp_id=profile_of(user).pk, by=amhp_lead)

    with at(D(2026, 12, 21), 10):
        put_on(22, amhp_user)
        with CaptureQueriesContext(connection) as one_week:
            find_gaps([amhp_team.pk], now=now, days=7)
        for day in range(23, 31):
            put_on(day, amhp_user)
            put_on(day, locum_amhp)
        with CaptureQueriesContext(connection) as three_weeks:
            find_gaps([amhp_team.pk], now=now, days=21)
    assert len(three_weeks.captured_queries) == len(one_week.captured_queries) <= 5


# --- On duty -----------------------------------------------------------------------------


def test_on_duty_now_and_the_next_shift(amhp_team, amhp_lead, amhp_user, locum_amhp, christmas_week):
    with at(D(2026, 12, 21), 10):
        services.assign_amhp(
            shift_id=shift(amhp_team, "Weekday day", D(2026, 12, 21)).pk,
            amhp_id=profile_of(locum_amhp).pk,
            by=amhp_lead,
        )
        services.assign_amhp(
            shift_id=shift(amhp_team, "Night", D(2026, 12, 22)).pk,
            amhp_id=profile_of(amhp_user).pk,
            by=amhp_lead,
        )
    now = moment(D(2026, 12, 21), 10)
    rows = on_duty([amhp_team.pk], now)
    assert [(r.pattern.name, [o.name for o in r.on_shift], r.missing) for r in rows] == [
        ("Weekday day", ["Luca Locum"], 1)
    ]
    assert next_assignment(profile_of(amhp_user), now).shift.date == D(2026, 12, 22)
    # At 23:00 the night of the 21st is on, with nobody.
    night = on_duty([amhp_team.pk], moment(D(2026, 12, 21), 23))
    assert [(r.pattern.name, r.status) for r in night] == [("Night", "uncovered")]


def test_rota_days_mark_bank_holidays_and_unbuilt_days(amhp_team, amhp_lead, christmas_week):
    with at(D(2026, 12, 21), 10):
        days = rota_days(amhp_team, D(2026, 12, 28), D(2027, 1, 3))
    assert [d.date for d in days if d.is_bank_holiday] == [D(2026, 12, 28), D(2027, 1, 1)]
    assert days[0].not_built == 0 and days[4].not_built == 2  # 1 January: day and night
