"""Reminders shared by every app: the service, the home panels, the lists and the emails."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases import services
from cases.models import RelationshipKind, Reminder
from cases.services import ReminderSpec
from tests.factories import PersonFactory, make_team

pytestmark = pytest.mark.django_db

KIND = "careact.annual_review"
OTHER_KIND = "careact.light_touch_review"


def today():
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def spec(
    n, *, person=None, team=None, assignee=None, due_on=None, kind=KIND, title="Planned review of the plan"
):
    return ReminderSpec(
        subject=f"careact.careplan:{n}",
        kind=kind,
        due_on=due_on or days(5),
        title=title,
        url=f"/care/plans/{n}/",
        person_id=getattr(person, "pk", None),
        team_id=getattr(team, "pk", None),
        assignee_id=getattr(assignee, "pk", None),
    )


@pytest.fixture
def hidden_person(south_team):
    """Someone held by another team: the North workers have no relationship with them."""
    person = PersonFactory(given_name="Kwame", family_name="Mensah")
    services.grant_team_relationship(
        person=person, team=south_team, kind=RelationshipKind.TEAM_CASE, source="test:case"
    )
    return person


def count_queries(client, url, params=None):
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- Service ---------------------------------------------------------------------------------


def test_create_reminders_is_idempotent_on_subject_kind_and_due_date(person, north_team, practitioner):
    specs = [spec(1, person=person, team=north_team, assignee=practitioner), spec(2, person=person)]
    assert services.create_reminders(specs) == 2
    assert services.create_reminders(specs) == 0
    # Another due date or kind for the same record is another reminder.
    assert services.create_reminders([spec(1, due_on=days(400)), spec(1, kind=OTHER_KIND)]) == 2
    assert Reminder.objects.count() == 4


def test_create_reminders_in_batches(monkeypatch):
    monkeypatch.setattr("cases.services.reminders.BATCH_SIZE", 7)
    assert services.create_reminders(spec(n) for n in range(30)) == 30
    assert services.create_reminders(spec(n) for n in range(35)) == 5
    assert Reminder.objects.count() == 35


def test_resolve_reminders_by_subject_and_due_date():
    services.create_reminders([spec(1, due_on=days(-10)), spec(1, due_on=days(10)), spec(2)])
    changed = services.resolve_reminders(
        subject="careact.careplan:1", due_before=days(0), resolution="A review of the plan was recorded"
    )
    assert changed == 1
    assert set(Reminder.objects.filter(resolved_at__isnull=True).values_list("subject", "due_on")) == {
        ("careact.careplan:1", days(10)),
        ("careact.careplan:2", days(5)),
    }
    assert services.resolve_reminders(subject="careact.careplan:1", due_before=days(0), resolution="x") == 0
    with pytest.raises(ValueError):
        services.resolve_reminders(resolution="everything")


def test_reminder_subject_names_the_model_and_pk(person):
    assert services.reminder_subject(person) == f"cases.person:{person.pk}"


# --- Home panels ---------------------------------------------------------------------------------


def test_your_reminders_panel_lists_overdue_first_with_names_only_where_related(
    practitioner_client, practitioner, person, hidden_person, north_team
):
    services.create_reminders(
        [
            spec(1, person=person, team=north_team, assignee=practitioner, due_on=days(10)),
            spec(
                2,
                person=person,
                team=north_team,
                assignee=practitioner,
                due_on=days(-3),
                title="Overdue work",
            ),
            spec(3, person=hidden_person, team=north_team, assignee=practitioner, title="Hidden work"),
        ]
    )
    page = practitioner_client.get(reverse("accounts:home")).content.decode()
    assert "Your reminders" in page
    assert "1 overdue" in page and "2 due soon" in page
    assert page.index("Overdue work") < page.index("Planned review of the plan")
    assert 'govuk-tag--red">Overdue' in page
    assert "Amira Okafor" in page
    assert "Hidden work" in page and "Kwame" not in page and "Mensah" not in page
    assert 'href="/care/plans/2/"' in page


def test_your_reminders_panel_for_a_worker_with_none(practitioner_client):
    page = practitioner_client.get(reverse("accounts:home")).content.decode()
    assert "Nothing is due on the records allocated to you." in page


def test_resolved_and_other_peoples_reminders_are_not_shown(practitioner_client, practitioner, other_worker):
    services.create_reminders([spec(1, assignee=other_worker, title="Someone else's work")])
    services.create_reminders([spec(2, assignee=practitioner, title="Done work")])
    services.resolve_reminders(subject="careact.careplan:2", resolution="Done")
    page = practitioner_client.get(reverse("accounts:home")).content.decode()
    assert "Someone else's work" not in page and "Done work" not in page


def test_overdue_in_your_teams_panel_counts_per_kind(manager_client, practitioner_client, north_team, person):
    services.create_reminders(
        [
            spec(1, person=person, team=north_team, due_on=days(-1)),
            spec(2, person=person, team=north_team, due_on=days(-9)),
            spec(3, person=person, team=north_team, due_on=days(-2), kind=OTHER_KIND),
            spec(4, person=person, team=north_team, due_on=days(3)),  # not overdue
        ]
    )
    page = manager_client.get(reverse("accounts:home")).content.decode()
    assert "Overdue in your teams" in page
    assert "North Working Age: 3 overdue" in page
    assert "Planned reviews" in page and "Light-touch reviews" in page
    assert "Overdue in your teams" not in practitioner_client.get(reverse("accounts:home")).content.decode()


# --- Lists -----------------------------------------------------------------------------------------


def test_my_reminders_page_is_paginated_and_keeps_its_query_count(
    practitioner_client, practitioner, person, north_team
):
    url = reverse("reminders:mine")
    services.create_reminders(
        [spec(n, person=person, team=north_team, assignee=practitioner) for n in range(3)]
    )
    few = count_queries(practitioner_client, url)
    services.create_reminders(
        [spec(n, person=person, team=north_team, assignee=practitioner) for n in range(3, 60)]
    )
    assert count_queries(practitioner_client, url) == few
    page = practitioner_client.get(url).content.decode()
    assert "60 open reminders" in page and "Amira Okafor" in page
    assert 'aria-label="Pagination"' in page
    assert practitioner_client.get(url, {"page": 3}).status_code == 200


@pytest.mark.parametrize("who", ["stranger_client", "commissioner_client"])
def test_my_reminders_page_refuses_people_who_see_no_records(request, who):
    assert request.getfixturevalue(who).get(reverse("reminders:mine")).status_code == 404


@pytest.fixture
def team_reminders(person, hidden_person, north_team, south_team, practitioner):
    services.create_reminders(
        [
            spec(
                1, person=person, team=north_team, assignee=practitioner, due_on=days(-4), title="Overdue A"
            ),
            spec(2, person=person, team=north_team, due_on=days(6), title="Team due B", kind=OTHER_KIND),
            spec(3, person=hidden_person, team=north_team, assignee=practitioner, title="Hidden C"),
            spec(4, person=hidden_person, team=south_team, title="South D", due_on=days(-1)),
        ]
    )


def test_team_page_lists_the_managers_teams_with_filters(manager_client, team_reminders, practitioner):
    url = reverse("reminders:team_overdue")
    page = manager_client.get(url).content.decode()
    assert "Overdue A" in page and "Team due B" in page and "Hidden C" in page
    assert "South D" not in page  # not a team they lead
    assert "Amira Okafor" in page and "Mensah" not in page
    assert "Not shown: you have no relationship with this person" in page

    only_overdue = manager_client.get(url, {"overdue": "on"}).content.decode()
    assert "Overdue A" in only_overdue and "Team due B" not in only_overdue

    by_kind = manager_client.get(url, {"kind": OTHER_KIND}).content.decode()
    assert "Team due B" in by_kind and "Overdue A" not in by_kind

    by_worker = manager_client.get(url, {"worker": str(practitioner.pk)}).content.decode()
    assert "Overdue A" in by_worker and "Team due B" not in by_worker
    unassigned = manager_client.get(url, {"worker": "none"}).content.decode()
    assert "Team due B" in unassigned and "Overdue A" not in unassigned

    # A filter value that is not a choice is ignored, not an error.
    assert manager_client.get(url, {"worker": "nobody", "team": "x"}).status_code == 200


def test_team_page_switches_between_teams_a_manager_leads(manager, manager_client, council, team_reminders):
    second = make_team("North Older People", council, locality="North")
    from accounts import services as account_services

    account_services.add_membership(user=manager, team=second, role=Role.TEAM_MANAGER)
    services.create_reminders([spec(9, team=second, title="Older people work")])
    url = reverse("reminders:team_overdue")
    everything = manager_client.get(url).content.decode()
    assert "Older people work" in everything and "Overdue A" in everything
    one = manager_client.get(url, {"team": second.pk}).content.decode()
    assert "Older people work" in one and "Overdue A" not in one


@pytest.mark.parametrize(
    "who", ["practitioner_client", "stranger_client", "commissioner_client", "other_worker_client"]
)
def test_team_page_is_for_team_leads_only(request, who):
    assert request.getfixturevalue(who).get(reverse("reminders:team_overdue")).status_code == 404


def test_team_page_query_count_does_not_grow(manager_client, north_team, person, practitioner):
    url = reverse("reminders:team_overdue")
    services.create_reminders(
        [spec(n, person=person, team=north_team, assignee=practitioner) for n in range(2)]
    )
    few = count_queries(manager_client, url)
    services.create_reminders(
        [spec(n, person=person, team=north_team, assignee=practitioner) for n in range(2, 80)]
    )
    assert count_queries(manager_client, url) == few


def test_home_page_query_count_does_not_grow_with_reminders(manager_client, practitioner, north_team, person):
    url = reverse("accounts:home")
    services.create_reminders([spec(n, person=person, team=north_team, due_on=days(-1)) for n in range(2)])
    few = count_queries(manager_client, url)
    services.create_reminders(
        [
            spec(n, person=person, team=north_team, due_on=days(-1), kind=k)
            for n in range(2, 40)
            for k in (KIND, OTHER_KIND)
        ]
    )
    assert count_queries(manager_client, url) == few


# --- Emails ----------------------------------------------------------------------------------


def test_one_email_per_assignee_with_no_person_data(person, north_team, practitioner, other_worker):
    services.create_reminders(
        [
            spec(1, person=person, team=north_team, assignee=practitioner, due_on=days(-2)),
            spec(
                2,
                person=person,
                team=north_team,
                assignee=practitioner,
                title="Review of section 117 aftercare",
            ),
            spec(3, person=person, team=north_team, assignee=other_worker),
            spec(4, person=person, team=north_team),  # the team's: nobody to email
        ]
    )
    assert services.send_reminder_emails() == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {practitioner.email, other_worker.email}
    message = by_recipient[practitioner.email]
    assert message.subject == "2 new reminders of work due"
    assert "You have 2 new reminders" in message.body and "(1 overdue)" in message.body
    assert "/reminders/mine/" in message.body
    text = message.subject + message.body
    for private in (
        person.given_name,
        person.family_name,
        person.nhs_number,
        person.postcode,
        "section 117",
        "Planned review",
        "careact.careplan",
    ):
        assert private not in text
    assert Reminder.objects.filter(assignee__isnull=False, emailed_at__isnull=True).count() == 0
    assert Reminder.objects.get(subject="careact.careplan:4").emailed_at is None


def test_emailing_twice_sends_nothing_new_and_resolved_reminders_are_not_emailed(practitioner):
    services.create_reminders([spec(1, assignee=practitioner), spec(2, assignee=practitioner)])
    services.resolve_reminders(subject="careact.careplan:2", resolution="Done")
    assert services.send_reminder_emails() == 1
    assert "You have 1 new reminder " in mail.outbox[0].body
    assert services.send_reminder_emails() == 0
    services.create_reminders([spec(3, assignee=practitioner)])
    assert services.send_reminder_emails() == 1
    assert len(mail.outbox) == 2 and "You have 1 new reminder " in mail.outbox[1].body


def test_a_failed_send_is_tried_again(practitioner, monkeypatch):
    services.create_reminders([spec(1, assignee=practitioner)])

    def broken(*args, **kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr("cases.services.reminders.send_mail", broken)
    with pytest.raises(ConnectionError):
        services.send_reminder_emails()
    assert Reminder.objects.get().emailed_at is None
    monkeypatch.undo()
    assert services.send_reminder_emails() == 1


@pytest.mark.django_db(transaction=True)
def test_reminders_locked_by_another_worker_are_skipped(practitioner):
    """Two workers sending at once: the one that finds the rows locked sends nothing."""
    services.create_reminders([spec(1, assignee=practitioner)])
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                list(Reminder.objects.select_for_update().filter(assignee=practitioner))
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        assert services.send_reminder_emails() == 0
        assert mail.outbox == []
    finally:
        release.set()
        thread.join(10)
    assert services.send_reminder_emails() == 1


def test_the_sweep_task_runs_the_derivers_then_the_emails(person, case_for_sweep, practitioner):
    from cases.tasks import run_reminder_sweep

    counts = run_reminder_sweep.delay().get()
    assert counts["careact.light_touch_review"]["created"] == 1
    assert [m.to for m in mail.outbox] == [[practitioner.email]]
    again = run_reminder_sweep.delay().get()
    assert all(c["created"] == 0 for c in again.values())
    assert len(mail.outbox) == 1


@pytest.fixture
def case_for_sweep(person, north_team, practitioner, manager):
    from tests.careact.conftest import days_ago, make_assessment, make_plan, open_case

    case = open_case(person, north_team, practitioner, manager)
    return make_plan(make_assessment(case), agreed_on=days_ago(45))


def test_beat_runs_the_sweep_at_six_london_time_then_the_emails(settings):
    sweep = settings.CELERY_BEAT_SCHEDULE["reminder-sweep"]
    emails = settings.CELERY_BEAT_SCHEDULE["reminder-emails"]
    assert sweep["task"] == "cases.tasks.run_reminder_sweep"
    assert emails["task"] == "cases.tasks.send_reminder_emails"
    assert sweep["schedule"].hour == {6} and sweep["schedule"].minute == {0}
    assert emails["schedule"].hour == {6} and min(emails["schedule"].minute) > 0
    assert settings.CELERY_TIMEZONE == "Europe/London"
