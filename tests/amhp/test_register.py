"""The AMHP register: approval dates, the 5-year limit, training years, reminders, pages."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import EmploymentType, Role
from amhp import due_work, services
from amhp.models import AmhpProfile, Approval, Profession, TrainingRecord
from amhp.selectors_register import forecast, register_row
from amhp.services.register import (
    add_years,
    approval_years,
    first_invalid_day,
    latest_expiry,
    training_hours_by_year,
    valid_until,
)
from cases.due_work import run_sweep
from cases.models import Reminder
from tests.amhp.conftest import make_amhp
from tests.factories import make_member

pytestmark = pytest.mark.django_db

D = datetime.date
LONDON = datetime.timezone(datetime.timedelta(0))  # GMT: the dates below are in winter


def at(day: datetime.date, hour: int = 10):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON), tick=False
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def approval(approved_on, expires_on=None, ended_on=None, pk=1):
    return Approval(
        pk=pk,
        approved_on=approved_on,
        expires_on=expires_on or latest_expiry(approved_on),
        ended_on=ended_on,
    )


def training(*items):
    return [TrainingRecord(completed_on=day, hours=Decimal(str(hours)), title="t") for day, hours in items]


def profile_of(user) -> AmhpProfile:
    return AmhpProfile.objects.get(user=user)


# --- Dates: the 5-year limit, approval years ---------------------------------------------


def test_five_years_less_a_day_and_leap_days():
    assert latest_expiry(D(2026, 3, 3)) == D(2031, 3, 2)
    assert latest_expiry(D(2026, 1, 1)) == D(2030, 12, 31)
    # An anniversary of 29 February falls on 1 March in a common year.
    assert add_years(D(2024, 2, 29), 1) == D(2025, 3, 1)
    assert latest_expiry(D(2024, 2, 29)) == D(2029, 2, 28)


def test_approval_years_run_anniversary_to_the_day_before_the_next():
    years = approval_years(approval(D(2026, 3, 3)))
    assert [(y.number, y.starts_on, y.ends_on) for y in years] == [
        (1, D(2026, 3, 3), D(2027, 3, 2)),
        (2, D(2027, 3, 3), D(2028, 3, 2)),
        (3, D(2028, 3, 3), D(2029, 3, 2)),
        (4, D(2029, 3, 3), D(2030, 3, 2)),
        (5, D(2030, 3, 3), D(2031, 3, 2)),
    ]
    assert not any(y.is_partial for y in years)


def test_a_shorter_approval_ends_with_a_partial_year_needing_a_share_of_18_hours():
    short = approval(D(2026, 1, 1), expires_on=D(2027, 6, 30))
    years = approval_years(short)
    assert [(y.starts_on, y.ends_on, y.is_partial) for y in years] == [
        (D(2026, 1, 1), D(2026, 12, 31), False),
        (D(2027, 1, 1), D(2027, 6, 30), True),
    ]
    result = training_hours_by_year(short, [], D(2027, 8, 1))
    assert result[1].required == Decimal("8.9")  # 181 of 365 days of 18 hours


def test_validity_counts_every_approval_so_a_renewal_covers_the_change():
    old = approval(D(2021, 3, 3), D(2026, 3, 2), pk=1)
    renewal = approval(D(2026, 3, 3), pk=2)
    assert first_invalid_day([old], D(2026, 3, 2), D(2026, 3, 3)) == D(2026, 3, 3)
    assert first_invalid_day([old, renewal], D(2026, 3, 2), D(2026, 3, 3)) is None
    assert valid_until([old, renewal], D(2025, 1, 1)) == D(2031, 3, 2)
    ended = approval(D(2026, 3, 3), ended_on=D(2026, 6, 1))
    assert valid_until([ended], D(2026, 5, 31)) == D(2026, 5, 31)
    assert valid_until([ended], D(2026, 6, 1)) is None


@pytest.mark.parametrize(
    ("today", "approved"),
    [
        (D(2026, 3, 2), False),  # the day before approval
        (D(2026, 3, 3), True),  # the first day
        (D(2031, 3, 2), True),  # the last day: 5 years less a day
        (D(2031, 3, 3), False),  # the day after
    ],
)
def test_approval_holds_from_its_first_to_its_last_day(amhp_team, amhp_lead, today, approved):
    user = make_amhp(
        amhp_team, name="Ed Edge", email="edge@example.org", approved_on=D(2026, 3, 3), by=amhp_lead
    )
    with at(today):
        row = register_row(profile_of(user), timezone.localdate())
    assert (row.current is not None) is approved
    if approved:
        assert row.valid_until == D(2031, 3, 2)


def test_an_approval_ended_early_stops_on_its_end_date(amhp_team, amhp_lead):
    user = make_amhp(
        amhp_team, name="Ed Edge", email="edge@example.org", approved_on=D(2026, 3, 3), by=amhp_lead
    )
    approval_id = profile_of(user).approvals.get().pk
    with at(D(2026, 11, 30)):
        services.end_approval(
            approval_id=approval_id,
            ended_on=D(2026, 12, 15),
            how="suspended",
            reason="Investigation",
            by=amhp_lead,
        )
    with at(D(2026, 12, 14)):
        assert register_row(profile_of(user), timezone.localdate()).valid_until == D(2026, 12, 14)
    with at(D(2026, 12, 15)):
        assert register_row(profile_of(user), timezone.localdate()).current is None
    assert Approval.objects.get(pk=approval_id).end_reason == "Suspended: Investigation"


# --- Training years ----------------------------------------------------------------------


def test_a_completed_year_under_18_hours_is_short():
    a = approval(D(2025, 1, 10))
    records = training((D(2025, 3, 1), 10), (D(2026, 1, 9), 7.5), (D(2026, 1, 10), 18))
    first, second = training_hours_by_year(a, records, D(2026, 2, 1))[:2]
    assert (first.hours, first.status) == (Decimal("17.5"), "short")
    # 18 hours on the first day of year two count in year two, not year one.
    assert (second.hours, second.status) == (Decimal(18), "met")


@pytest.mark.parametrize(
    ("today", "hours", "status", "expected"),
    [
        (D(2026, 4, 8), 4, "on_track", Decimal("3.0")),  # 2 whole months by tonight: 3 hours
        (D(2026, 4, 9), 4, "behind", Decimal("4.5")),  # 3 whole months by tonight: 4.5 hours
        (D(2026, 4, 9), 4.5, "on_track", Decimal("4.5")),
        (D(2026, 1, 10), 0, "on_track", Decimal("0.0")),  # the first day of the year
        (D(2027, 1, 9), 17.9, "behind", Decimal("18.0")),  # the last day: all 18 are due
    ],
)
def test_behind_is_below_a_pro_rata_share_for_whole_months(today, hours, status, expected):
    a = approval(D(2026, 1, 10))
    year = training_hours_by_year(a, training((D(2026, 1, 20), hours)), today)[0]
    assert (year.status, year.expected_so_far) == (status, expected)


def test_register_row_uses_today_for_the_training_status(amhp_team, amhp_lead):
    user = make_amhp(
        amhp_team, name="Tia Train", email="tia@example.org", approved_on=D(2026, 1, 10), by=amhp_lead
    )
    with at(D(2026, 2, 1)):
        services.record_training(
            amhp_id=profile_of(user).pk,
            completed_on=D(2026, 2, 1),
            title="Case law update",
            hours="4",
            by=amhp_lead,
        )
    with at(D(2026, 4, 8)):
        assert register_row(profile_of(user), timezone.localdate()).training.status == "on_track"
    with at(D(2026, 4, 9)):
        row = register_row(profile_of(user), timezone.localdate())
        assert (row.training.status, row.training_behind) == ("behind", True)


# --- Services ----------------------------------------------------------------------------


def test_add_amhp_only_team_amhps_once(amhp_team, amhp_lead, council, practitioner):
    newcomer = make_member(amhp_team, Role.AMHP, full_name="Nia New")
    details = {"profession": Profession.NURSE, "employer": council, "employment_type": EmploymentType.AGENCY}
    with pytest.raises(services.DomainError, match="is not an AMHP in your team"):
        services.add_amhp(user=practitioner, by=amhp_lead, **details)
    with pytest.raises(services.DomainError, match="Only the AMHP lead"):
        services.add_amhp(user=newcomer, by=practitioner, **details)
    profile = services.add_amhp(user=newcomer, by=amhp_lead, **details)
    assert profile.is_locum and profile.history.get().history_user == amhp_lead
    with pytest.raises(services.DomainError, match="Nia New is already on the register"):
        services.add_amhp(user=newcomer, by=amhp_lead, **details)


def test_record_approval_defaults_to_the_limit_and_refuses_later(amhp_team, amhp_lead, amhp_user):
    profile = profile_of(amhp_user)
    with at(D(2026, 11, 30)):
        with pytest.raises(services.DomainError) as refused:
            services.record_approval(
                amhp_id=profile.pk, approved_on=D(2026, 12, 1), expires_on=D(2031, 12, 1), by=amhp_lead
            )
        assert str(refused.value) == (
            "An approval lasts at most 5 years: the expiry date must be on or before 30 November 2031"
        )
        approval = services.record_approval(amhp_id=profile.pk, approved_on=D(2026, 12, 1), by=amhp_lead)
        assert approval.expires_on == D(2031, 11, 30)
        with pytest.raises(services.DomainError, match="already recorded"):
            services.record_approval(amhp_id=profile.pk, approved_on=D(2026, 12, 1), by=amhp_lead)
        with pytest.raises(services.DomainError, match="after the date of approval"):
            services.record_approval(
                amhp_id=profile.pk, approved_on=D(2026, 12, 2), expires_on=D(2026, 12, 2), by=amhp_lead
            )


def test_nobody_approves_themselves_and_only_the_lead_approves(amhp_team, amhp_lead, amhp_user, locum_amhp):
    lead_as_amhp = AmhpProfile.objects.create(
        user=amhp_lead, profession=Profession.SOCIAL_WORKER, employer=amhp_team.organisation
    )
    from accounts import services as account_services

    account_services.add_membership(user=amhp_lead, team=amhp_team, role=Role.AMHP)
    with pytest.raises(services.DomainError, match="your own approval"):
        services.record_approval(amhp_id=lead_as_amhp.pk, approved_on=D(2026, 1, 1), by=amhp_lead)
    with pytest.raises(services.DomainError, match="Only the AMHP lead"):
        services.record_approval(amhp_id=profile_of(locum_amhp).pk, approved_on=D(2026, 1, 1), by=amhp_user)


def test_end_approval_checks_dates_and_repeats(amhp_lead, amhp_user):
    approval = profile_of(amhp_user).approvals.get()
    with pytest.raises(services.DomainError, match="already expires on"):
        services.end_approval(
            approval_id=approval.pk,
            ended_on=approval.expires_on + datetime.timedelta(days=1),
            how="withdrawn",
            reason="Left",
            by=amhp_lead,
        )
    with pytest.raises(services.DomainError, match="Enter why the approval is being withdrawn"):
        services.end_approval(
            approval_id=approval.pk, ended_on=timezone.localdate(), how="withdrawn", reason=" ", by=amhp_lead
        )
    services.end_approval(
        approval_id=approval.pk, ended_on=timezone.localdate(), how="withdrawn", reason="Left", by=amhp_lead
    )
    with pytest.raises(services.DomainError, match="already ended on"):
        services.end_approval(
            approval_id=approval.pk,
            ended_on=timezone.localdate(),
            how="withdrawn",
            reason="Left",
            by=amhp_lead,
        )


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0", "greater than 0"),
        ("-2", "greater than 0"),
        ("1.25", "no more than one decimal place"),
        ("lots", "as a number"),
        ("1000", "999.9 or fewer"),
    ],
)
def test_training_hours_are_positive_with_one_decimal_at_most(amhp_lead, amhp_user, hours, message):
    with pytest.raises(services.DomainError, match=message):
        services.record_training(
            amhp_id=profile_of(amhp_user).pk,
            completed_on=timezone.localdate(),
            title="x",
            hours=hours,
            by=amhp_lead,
        )


def test_training_in_the_future_or_by_a_non_lead_is_refused(amhp_lead, amhp_user, locum_amhp):
    profile = profile_of(amhp_user)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(services.DomainError, match="today or in the past"):
        services.record_training(
            amhp_id=profile.pk, completed_on=tomorrow, title="x", hours="1", by=amhp_lead
        )
    with pytest.raises(services.DomainError, match="Only the AMHP lead"):
        services.record_training(
            amhp_id=profile.pk, completed_on=timezone.localdate(), title="x", hours="1", by=locum_amhp
        )
    record = services.record_training(
        amhp_id=profile.pk, completed_on=timezone.localdate(), title=" Law ", hours="2.5", by=amhp_lead
    )
    assert (record.title, record.hours) == ("Law", Decimal("2.5"))


def test_a_stale_change_overwrites_nothing(amhp_lead, amhp_user, council):
    profile = profile_of(amhp_user)
    version = services.register_version(profile)
    services.update_amhp(
        amhp_id=profile.pk,
        profession=Profession.NURSE,
        employer=council,
        employment_type=EmploymentType.PERMANENT,
        notes="",
        expected_version=version,
        by=amhp_lead,
    )
    with pytest.raises(services.StaleRegisterEdit):
        services.update_amhp(
            amhp_id=profile.pk,
            profession=Profession.PSYCHOLOGIST,
            employer=council,
            employment_type=EmploymentType.LOCUM,
            notes="",
            expected_version=version,
            by=amhp_lead,
        )
    profile.refresh_from_db()
    assert (profile.profession, profile.employment_type) == (Profession.NURSE, EmploymentType.PERMANENT)


# --- Forecast ----------------------------------------------------------------------------


def test_forecast_counts_first_and_last_days_and_who_drops_out(amhp_team, amhp_lead):
    with at(D(2026, 11, 30)):
        # Expires 14 January 2027; one renewed in time; one starting in February.
        make_amhp(amhp_team, name="Ann Ends", email="a@example.org", approved_on=D(2022, 1, 15), by=amhp_lead)
        renewed = make_amhp(
            amhp_team, name="Ben Renewed", email="b@example.org", approved_on=D(2022, 1, 15), by=amhp_lead
        )
        services.record_approval(amhp_id=profile_of(renewed).pk, approved_on=D(2027, 1, 10), by=amhp_lead)
        make_amhp(
            amhp_team, name="Cat Starts", email="c@example.org", approved_on=D(2027, 2, 10), by=amhp_lead
        )
        with CaptureQueriesContext(connection) as few:
            months = forecast(amhp_lead, timezone.localdate())
        for i in range(5):
            make_amhp(amhp_team, name=f"More {i}", email=f"m{i}@example.org", by=amhp_lead)
        with CaptureQueriesContext(connection) as more:
            forecast(amhp_lead, timezone.localdate())
    assert len(more.captured_queries) == len(few.captured_queries) <= 4
    assert [m.first_day for m in months][:3] == [D(2026, 11, 1), D(2026, 12, 1), D(2027, 1, 1)]
    assert len(months) == 12
    january, february = months[2], months[3]
    assert (january.valid_first, january.valid_last) == (2, 1)
    assert january.leaving == [("Ann Ends", D(2027, 1, 14))]
    assert (february.valid_first, february.valid_last, february.joining) == (1, 2, ["Cat Starts"])


# --- Reminders ---------------------------------------------------------------------------


def test_approval_expiry_reminder_appears_90_days_before_and_resolves_on_renewal(amhp_team, amhp_lead):
    user = make_amhp(
        amhp_team, name="Ann Ends", email="a@example.org", approved_on=D(2022, 3, 1), by=amhp_lead
    )
    # Last day 28 February 2027: the reminder shows from 30 November 2026.
    assert (
        run_sweep(D(2026, 11, 29), kinds=[due_work.APPROVAL_EXPIRING])[due_work.APPROVAL_EXPIRING]["created"]
        == 0
    )
    counts = due_work.derive_approval_expiry(D(2026, 11, 30), timezone.now())
    assert counts.created == 1
    reminder = Reminder.objects.get(kind=due_work.APPROVAL_EXPIRING)
    assert (reminder.due_on, reminder.assignee, reminder.team) == (D(2027, 2, 28), user, amhp_team)
    assert "Ann" not in reminder.title and reminder.url == reverse(
        "amhp:register_amhp", args=[profile_of(user).pk]
    )
    assert due_work.derive_approval_expiry(D(2026, 12, 1), timezone.now()).created == 0  # idempotent

    with at(D(2027, 1, 5)):
        services.record_approval(amhp_id=profile_of(user).pk, approved_on=D(2027, 3, 1), by=amhp_lead)
    counts = due_work.derive_approval_expiry(D(2027, 1, 6), timezone.now())
    assert (counts.created, counts.resolved) == (0, 1)
    reminder.refresh_from_db()
    assert reminder.resolved_at is not None and reminder.resolution == "Re-approved"


def test_training_behind_reminder_and_catching_up(amhp_team, amhp_lead):
    user = make_amhp(
        amhp_team, name="Tia Train", email="t@example.org", approved_on=D(2026, 1, 10), by=amhp_lead
    )
    results = run_sweep(D(2026, 4, 10), kinds=[due_work.TRAINING_BEHIND])
    assert results[due_work.TRAINING_BEHIND]["created"] == 1
    reminder = Reminder.objects.get(kind=due_work.TRAINING_BEHIND)
    assert (reminder.assignee, reminder.team, reminder.due_on) == (user, amhp_team, D(2027, 1, 9))
    with at(D(2026, 4, 10)):
        services.record_training(
            amhp_id=profile_of(user).pk, completed_on=D(2026, 4, 10), title="x", hours="5", by=amhp_lead
        )
    assert due_work.derive_training_behind(D(2026, 4, 10), timezone.now()).resolved == 1


def test_amhps_who_left_the_team_get_no_reminders(amhp_team, amhp_lead):
    user = make_amhp(
        amhp_team, name="Lee Left", email="l@example.org", approved_on=D(2022, 3, 1), by=amhp_lead
    )
    user.memberships.update(is_active=False)
    assert due_work.derive_approval_expiry(D(2026, 12, 1), timezone.now()).created == 0


# --- Pages -------------------------------------------------------------------------------


@pytest.fixture
def register_rows(amhp_team, amhp_lead, amhp_user, locum_amhp):
    """amhp_user: approved 100 days ago with 4 hours of training (behind: 4.5 due after three
    months); the locum: approval ending in 60 days, 18 hours done this year. A lead client."""
    today = timezone.localdate()
    days = datetime.timedelta
    profile_of(amhp_user).approvals.update(approved_on=today - days(100), expires_on=today + days(1000))
    profile_of(locum_amhp).approvals.update(
        approved_on=today - days(5 * 365 - 60), expires_on=today + days(60)
    )
    for user, hours in ((amhp_user, "4"), (locum_amhp, "18")):
        services.record_training(
            amhp_id=profile_of(user).pk,
            completed_on=today - days(50),
            title="Legal update",
            hours=hours,
            by=amhp_lead,
        )
    return client_for(amhp_lead)


def test_register_page_shows_tags_and_filters(register_rows, amhp_user, locum_amhp):
    url = reverse("amhp:register")
    page = register_rows.get(url).content.decode()
    assert "Asha Amhp" in page and "Luca Locum" in page and "Locum</strong>" in page
    assert "Ends in 60 days" in page and "Behind" in page and "4 of 18 hours" in page
    expiring = register_rows.get(url, {"expiring": "on"}).content.decode()
    assert "Luca Locum" in expiring and "Asha Amhp" not in expiring
    behind = register_rows.get(url, {"behind": "on"}).content.decode()
    assert "Asha Amhp" in behind and "Luca Locum" not in behind
    locums = register_rows.get(url, {"employment": "locum"}).content.decode()
    assert "Luca Locum" in locums and "Asha Amhp" not in locums
    nurses = register_rows.get(url, {"profession": Profession.NURSE}).content.decode()
    assert "No AMHPs on the register with these filters" in nurses


def test_register_query_count_does_not_grow(register_rows, amhp_team, amhp_lead):
    url = reverse("amhp:register")

    def count():
        register_rows.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert register_rows.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(8):
        user = make_amhp(amhp_team, name=f"Extra {i}", email=f"x{i}@example.org", by=amhp_lead)
        services.record_training(
            amhp_id=profile_of(user).pk, completed_on=timezone.localdate(), title="x", hours="2", by=amhp_lead
        )
    assert count() == before


def test_register_access(amhp_user, practitioner_client, commissioner_client, stranger_client, amhp_client):
    url = reverse("amhp:register")
    assert practitioner_client.get(url).status_code == 403
    assert commissioner_client.get(url).status_code == 404
    assert stranger_client.get(url).status_code == 404
    # An AMHP is taken to their own entry.
    assert amhp_client.get(url).url == reverse("amhp:register_amhp", args=[profile_of(amhp_user).pk])


def test_detail_for_the_lead_and_the_amhp_only(
    register_rows, amhp_user, locum_amhp, amhp_client, commissioner_client
):
    own = reverse("amhp:register_amhp", args=[profile_of(amhp_user).pk])
    other = reverse("amhp:register_amhp", args=[profile_of(locum_amhp).pk])
    lead_page = register_rows.get(own).content.decode()
    assert (
        "Legal update" in lead_page
        and reverse("amhp:training_create", args=[profile_of(amhp_user).pk]) in lead_page
    )
    own_page = amhp_client.get(own).content.decode()
    assert "Legal update" in own_page and "Record training" not in own_page and "End early" not in own_page
    assert amhp_client.get(other).status_code == 404
    assert commissioner_client.get(own).status_code == 404
    assert (
        amhp_client.get(reverse("amhp:training_create", args=[profile_of(amhp_user).pk])).status_code == 403
    )


def test_add_approve_and_train_through_the_pages(amhp_team, amhp_lead, council):
    newcomer = make_member(amhp_team, Role.AMHP, full_name="Nia New")
    client = client_for(amhp_lead)
    response = client.post(
        reverse("amhp:register_add"),
        {
            "user": newcomer.pk,
            "profession": Profession.OCCUPATIONAL_THERAPIST,
            "employer": council.pk,
            "employment_type": EmploymentType.PERMANENT,
        },
    )
    profile = profile_of(newcomer)
    assert response.url == reverse("amhp:approval_create", args=[profile.pk])
    today = timezone.localdate()
    too_late = latest_expiry(today) + datetime.timedelta(days=1)
    response = client.post(
        reverse("amhp:approval_create", args=[profile.pk]),
        {
            "approved_on_day": today.day,
            "approved_on_month": today.month,
            "approved_on_year": today.year,
            "expires_on_day": too_late.day,
            "expires_on_month": too_late.month,
            "expires_on_year": too_late.year,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in page and "at most 5 years" in page
    assert f'value="{too_late.year}"' in page  # what was typed is kept
    response = client.post(
        reverse("amhp:approval_create", args=[profile.pk]),
        {"approved_on_day": today.day, "approved_on_month": today.month, "approved_on_year": today.year},
    )
    assert response.status_code == 302
    assert profile.approvals.get().expires_on == latest_expiry(today)
    response = client.post(
        reverse("amhp:training_create", args=[profile.pk]),
        {
            "completed_on_day": today.day,
            "completed_on_month": today.month,
            "completed_on_year": today.year,
            "title": "Best interests",
            "hours": "3.25",
        },
    )
    assert "no more than one decimal place" in response.content.decode()
    assert not profile.training.exists()


def test_end_an_approval_through_the_page_warns_about_shifts(amhp_lead, amhp_user):
    client = client_for(amhp_lead)
    profile = profile_of(amhp_user)
    approval = profile.approvals.get()
    url = reverse("amhp:approval_end", args=[profile.pk, approval.pk])
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "how": "suspended",
            "ended_on_day": today.day,
            "ended_on_month": today.month,
            "ended_on_year": today.year,
            "reason": "Practice concerns",
        },
        follow=True,
    )
    assert "The approval was ended." in response.content.decode()
    approval.refresh_from_db()
    assert approval.ended_on == today


def test_forecast_page(register_rows, amhp_client):
    page = register_rows.get(reverse("amhp:forecast")).content.decode()
    assert "Luca Locum (last day" in page and "<svg" in page
    assert amhp_client.get(reverse("amhp:forecast")).status_code == 403


def test_a_stale_change_on_the_page_keeps_the_typing_and_shows_the_new_values(amhp_lead, amhp_user, council):
    client = client_for(amhp_lead)
    profile = profile_of(amhp_user)
    url = reverse("amhp:register_change", args=[profile.pk])
    version = client.get(url).context["form"].initial["version"]
    services.update_amhp(
        amhp_id=profile.pk,
        profession=Profession.NURSE,
        employer=council,
        employment_type=EmploymentType.SECONDED,
        notes="",
        expected_version=version,
        by=amhp_lead,
    )
    typed = {
        "profession": Profession.PSYCHOLOGIST,
        "employer": council.pk,
        "employment_type": EmploymentType.LOCUM,
        "notes": "Agency contract to March",
        "version": version,
    }
    response = client.post(url, typed)
    page = response.content.decode()
    assert response.status_code == 200 and "Someone else changed these details" in page
    assert "Agency contract to March" in page and "Seconded" in page  # theirs and ours
    profile.refresh_from_db()
    assert profile.employment_type == EmploymentType.SECONDED
    # Saving again on the refreshed form works.
    response = client.post(url, {**typed, "version": response.context["form"].data["version"]})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.profession, profile.notes) == (Profession.PSYCHOLOGIST, "Agency contract to March")
    assert client_for(amhp_user).get(url).status_code == 403
