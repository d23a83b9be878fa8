"""Section 117 aftercare register: entitlement, reviews, the joint decision that ends it, and
the register (MHA 1983 s117; Code of Practice ch. 33)."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from careact import services
from careact.models import Section117Entitlement, Section117Review, Section117Status, Section117Transition
from careact.selectors_s117 import (
    review_state,
    s117_review_due,
    with_review_due,
)
from cases.models import AccessLog, BreakGlassAccess
from tests.careact.conftest import days_ago, open_case
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 6, 15)


@pytest.fixture
def icb(db):
    return OrganisationFactory(name="Northshire and Fenland ICB", kind=Organisation.Kind.ICB)


def entitle(case, council, icb, by, **overrides):
    discharged = overrides.get("discharged_on") or days_ago(30)
    values = {
        "person": case.person,
        "team": case.team,
        "section": "s3",
        "detained_on": discharged - datetime.timedelta(days=90),
        "discharged_on": discharged,
        "responsible_council": council,
        "responsible_icb": icb,
        "aftercare_plan": "Supported housing; weekly CPN visits",
        "by": by,
    }
    values.update(overrides)
    return services.create_s117_entitlement(**values)


def review(entitlement, by, held_on=None, needs_continue=True):
    return services.record_s117_review(
        entitlement_id=entitlement.pk,
        held_on=held_on or timezone.localdate(),
        attendees="CPN",
        needs_continue=needs_continue,
        notes="Ok",
        by=by,
    )


def date_fields(name: str, day: datetime.date) -> dict:
    """The three boxes of a GOV.UK date input."""
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def count_queries(client, url, params=None):
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- The review rule --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("discharged", "last_review", "months", "due"),
    [
        (D(2025, 3, 10), None, 12, D(2026, 3, 10)),  # first review: interval after discharge
        (D(2025, 3, 10), D(2025, 9, 1), 12, D(2026, 9, 1)),  # then from the latest review
        (D(2025, 3, 10), D(2025, 1, 1), 6, D(2025, 9, 10)),  # a review before discharge does not count
        (D(2024, 1, 31), None, 1, D(2024, 2, 29)),  # clamps to the end of a short month (leap year)
        (D(2025, 1, 31), None, 1, D(2025, 2, 28)),
        (D(2025, 8, 31), None, 6, D(2026, 2, 28)),
        (D(2025, 12, 15), None, 12, D(2026, 12, 15)),  # across the year end
    ],
)
def test_review_due_is_later_of_discharge_and_latest_review_plus_interval(
    discharged, last_review, months, due
):
    fields = {"discharged_on": discharged, "last_review_on": last_review, "review_interval_months": months}
    assert s117_review_due(fields) == due


def test_review_due_is_none_once_ended_and_needs_the_latest_review():
    fields = {"discharged_on": D(2025, 1, 1), "last_review_on": None, "review_interval_months": 12}
    assert s117_review_due({**fields, "status": Section117Status.ENDED}) is None
    with pytest.raises(TypeError):
        s117_review_due({"discharged_on": D(2025, 1, 1), "review_interval_months": 12})


def test_review_state_tags():
    assert review_state(TODAY - datetime.timedelta(days=1), TODAY) == "overdue"
    assert review_state(TODAY, TODAY) == "due"
    assert review_state(TODAY + datetime.timedelta(days=28), TODAY) == "due"
    assert review_state(TODAY + datetime.timedelta(days=29), TODAY) == "scheduled"
    assert review_state(None, TODAY) == ""


def test_sql_rule_agrees_with_python_rule(case, council, icb, practitioner):
    """The register sorts by the SQL form; the reminder sweep may use either."""
    with time_machine.travel(datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC), tick=False):
        made = []
        for discharged, months, reviewed_on in [
            (D(2024, 1, 31), 1, None),
            (D(2025, 8, 31), 6, D(2025, 12, 31)),
            (D(2026, 2, 28), 12, None),
        ]:
            other = open_case(PersonFactory(), case.team, practitioner, practitioner)
            e = entitle(
                other, council, icb, practitioner, discharged_on=discharged, review_interval_months=months
            )
            if reviewed_on:
                review(e, practitioner, reviewed_on)
            made.append(e.pk)
        for row in with_review_due(Section117Entitlement.objects.filter(pk__in=made)):
            assert row.review_due_on == s117_review_due(row)


# --- Entitlement ------------------------------------------------------------------------


def test_create_entitlement_writes_transition_and_history(case, council, icb, practitioner):
    entitlement = entitle(case, council, icb, practitioner)
    assert entitlement.status == Section117Status.ACTIVE
    transition = Section117Transition.objects.get(entitlement=entitlement)
    assert (transition.event, transition.to_status, transition.actor) == ("recorded", "active", practitioner)
    assert entitlement.history.get().history_user == practitioner


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"section": "s2"}, "only sections 3, 37, 45A, 47 and 48"),
        ({"discharged_on": None}, "Enter the date the person was discharged"),
        (
            {"discharged_on": days_ago(-1)},
            "must be today or in the past",
        ),
        (
            {
                "detained_on": days_ago(5),
                "discharged_on": days_ago(9),
            },
            "on or after the date of detention",
        ),
        ({"aftercare_plan": "  "}, "Enter the aftercare plan"),
        ({"review_interval_months": 0}, "from 1 to 12 months"),
        ({"review_interval_months": 13}, "from 1 to 12 months"),
    ],
)
def test_create_refuses_bad_entitlements(case, council, icb, practitioner, overrides, message):
    with pytest.raises(services.DomainError, match=message):
        entitle(case, council, icb, practitioner, **overrides)
    assert not Section117Entitlement.objects.exists()


def test_create_refuses_wrong_kinds_of_body(case, council, icb, practitioner):
    with pytest.raises(services.DomainError, match="must be a council"):
        entitle(case, council, icb, practitioner, responsible_council=icb)
    with pytest.raises(services.DomainError, match="must be an integrated care board"):
        entitle(case, council, icb, practitioner, responsible_icb=council)


def test_create_refuses_a_second_active_entitlement(case, council, icb, practitioner):
    entitle(case, council, icb, practitioner)
    with pytest.raises(services.DomainError, match="already has an active section 117 entitlement"):
        entitle(case, council, icb, practitioner, section="s37")


def test_create_needs_an_open_case_in_the_users_team(case, council, icb, other_worker, south_team):
    with pytest.raises(services.DomainError, match="Select one of your teams"):
        entitle(case, council, icb, other_worker)
    with pytest.raises(services.DomainError, match="has no open case"):
        entitle(case, council, icb, other_worker, team=south_team)


# --- Ending by joint decision -----------------------------------------------------------


def end_values(**overrides):
    today = timezone.localdate()
    values = {
        "council_decision_by": "Jo Smith, Head of Adult Social Care",
        "council_decision_on": today - datetime.timedelta(days=3),
        "icb_decision_by": "Dr Ali Khan, CHC Lead",
        "icb_decision_on": today - datetime.timedelta(days=1),
        "reason": "Settled for two years; no needs arising from the disorder remain",
    }
    values.update(overrides)
    return values


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"icb_decision_by": "", "icb_decision_on": None},
            "Aftercare under section 117 ends only by a joint decision: record the ICB's decision",
        ),
        (
            {"council_decision_by": "", "council_decision_on": None},
            "ends only by a joint decision: record the council's decision",
        ),
        ({"icb_decision_on": None}, "record the date of the ICB's decision"),
        ({"council_decision_by": " "}, "record who made the council's decision"),
        (
            {"icb_decision_on": days_ago(-1)},
            "The date of the ICB's decision must be today or in the past",
        ),
        (
            {"council_decision_on": days_ago(60)},
            "on or after the discharge",
        ),
        ({"reason": ""}, "Enter why aftercare is no longer needed"),
    ],
)
def test_ending_needs_both_decisions(case, council, icb, practitioner, overrides, message):
    entitlement = entitle(case, council, icb, practitioner)
    with pytest.raises(services.DomainError, match=message):
        services.end_s117_entitlement(
            entitlement_id=entitlement.pk, by=practitioner, **end_values(**overrides)
        )
    entitlement.refresh_from_db()
    assert entitlement.status == Section117Status.ACTIVE


def test_joint_decision_ends_aftercare_on_the_later_date(case, council, icb, practitioner):
    entitlement = entitle(case, council, icb, practitioner)
    values = end_values()
    ended = services.end_s117_entitlement(entitlement_id=entitlement.pk, by=practitioner, **values)
    assert ended.status == Section117Status.ENDED
    assert ended.ended_on == values["icb_decision_on"]
    transition = ended.transitions.get(event="ended")
    assert transition.actor == practitioner
    assert (transition.from_status, transition.to_status) == ("active", "ended")
    assert transition.details["icb_decision_by"] == "Dr Ali Khan, CHC Lead"
    # A repeat is a no-op; after ending, a new active entitlement may be recorded.
    services.end_s117_entitlement(entitlement_id=entitlement.pk, by=practitioner, **values)
    assert ended.transitions.filter(event="ended").count() == 1
    assert entitle(case, council, icb, practitioner, section="s37").status == Section117Status.ACTIVE


def test_database_refuses_ending_without_both_decisions(case, council, icb, practitioner):
    entitlement = entitle(case, council, icb, practitioner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Section117Entitlement.objects.filter(pk=entitlement.pk).update(
            status=Section117Status.ENDED,
            council_decision_on=timezone.localdate(),
            ended_on=timezone.localdate(),
        )
    entitlement.refresh_from_db()
    assert entitlement.status == Section117Status.ACTIVE


# --- Reviews and changes ----------------------------------------------------------------


def test_review_moves_the_next_review_date(case, council, icb, practitioner):
    with time_machine.travel(datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC), tick=False):
        entitlement = entitle(case, council, icb, practitioner, discharged_on=D(2025, 5, 1))
        row = with_review_due(Section117Entitlement.objects.filter(pk=entitlement.pk)).get()
        assert row.review_due_on == D(2026, 5, 1)
        assert review_state(row.review_due_on) == "overdue"
        review(entitlement, practitioner, D(2026, 6, 10))
        row = with_review_due(Section117Entitlement.objects.filter(pk=entitlement.pk)).get()
        assert row.review_due_on == D(2027, 6, 10)
        assert review_state(row.review_due_on) == "scheduled"
        assert entitlement.transitions.filter(event="reviewed").exists()


def test_review_refused_before_discharge_in_future_or_after_ending(case, council, icb, practitioner):
    entitlement = entitle(case, council, icb, practitioner)
    with pytest.raises(services.DomainError, match="on or after the discharge date"):
        review(entitlement, practitioner, entitlement.discharged_on - datetime.timedelta(days=1))
    with pytest.raises(services.DomainError, match="today or in the past"):
        review(entitlement, practitioner, days_ago(-1))
    services.end_s117_entitlement(entitlement_id=entitlement.pk, by=practitioner, **end_values())
    with pytest.raises(services.DomainError, match="has ended"):
        review(entitlement, practitioner)
    assert not Section117Review.objects.exists()


def test_stale_change_overwrites_nothing(case, council, icb, practitioner, manager):
    entitlement = entitle(case, council, icb, practitioner)
    services.update_s117_entitlement(
        entitlement_id=entitlement.pk,
        data={"aftercare_plan": "Plan B", "review_interval_months": 6},
        expected_version=1,
        by=manager,
    )
    with pytest.raises(services.StaleEdit) as stale:
        services.update_s117_entitlement(
            entitlement_id=entitlement.pk,
            data={"aftercare_plan": "Plan C"},
            expected_version=1,
            by=practitioner,
        )
    entitlement.refresh_from_db()
    assert (entitlement.aftercare_plan, entitlement.review_interval_months) == ("Plan B", 6)
    assert entitlement.version == 2
    changed = {c.field: c for c in stale.value.changes}
    assert changed["aftercare_plan"].conflict and changed["aftercare_plan"].now == "Plan B"
    assert stale.value.merged["aftercare_plan"] == "Plan C"
    assert stale.value.merged["review_interval_months"] == 6  # their change kept


# --- Pages ------------------------------------------------------------------------------


def create_post(council, icb, **overrides):
    today = timezone.localdate()
    discharged = today - datetime.timedelta(days=20)
    data = {
        "section": "s37",
        **date_fields("discharged_on", discharged),
        "responsible_council": council.pk,
        "responsible_icb": icb.pk,
        "aftercare_plan": "Day centre twice a week",
        "review_interval_months": "12",
    }
    data.update(overrides)
    return data


def test_create_from_the_person_page(practitioner_client, case, person, council, icb):
    page = practitioner_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    url = reverse("careact:s117_create", args=[person.pk])
    assert "Section 117 aftercare" in page and url in page
    form_page = practitioner_client.get(url).content.decode()
    assert "section 2 (assessment)" in form_page
    response = practitioner_client.post(url, create_post(council, icb))
    entitlement = Section117Entitlement.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("careact:s117_detail", args=[entitlement.pk])
    assert (entitlement.section, entitlement.review_interval_months) == ("s37", 12)
    assert entitlement.team == case.team
    detail = practitioner_client.get(response.url).content.decode()
    assert "Day centre twice a week" in detail and "Record a review" in detail
    # Already on the register: the person page no longer offers to add them.
    page = practitioner_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert url not in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"section": "s2"}, "only sections 3, 37, 45A, 47 and 48"),
        (
            {"discharged_on_day": "", "discharged_on_month": "", "discharged_on_year": ""},
            "Enter the date the person was discharged",
        ),
        (
            {"discharged_on_year": str(timezone.localdate().year + 1)},
            "The discharge date must be today or in the past",
        ),
        ({"responsible_icb": ""}, "Select the responsible ICB"),
        ({"review_interval_months": "24"}, "from 1 to 12 months"),
    ],
)
def test_create_bad_input_keeps_what_was_typed(
    practitioner_client, case, person, council, icb, overrides, message
):
    data = create_post(council, icb, aftercare_plan="Typed plan that must survive", **overrides)
    response = practitioner_client.post(reverse("careact:s117_create", args=[person.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and message in page.replace("&#x27;", "'")
    assert "Typed plan that must survive" in page and "<title>Error:" in page
    assert not Section117Entitlement.objects.exists()


def test_second_active_entitlement_is_a_form_error(
    practitioner_client, case, person, council, icb, practitioner
):
    entitle(case, council, icb, practitioner)
    response = practitioner_client.post(
        reverse("careact:s117_create", args=[person.pk]), create_post(council, icb)
    )
    assert "already has an active section 117 entitlement" in response.content.decode()
    assert Section117Entitlement.objects.count() == 1


def test_end_page_refuses_without_the_icb_decision(practitioner_client, case, council, icb, practitioner):
    entitlement = entitle(case, council, icb, practitioner)
    url = reverse("careact:s117_end", args=[entitlement.pk])
    council_half = {
        "council_decision_by": "Jo Smith, Head of Service",
        **date_fields("council_decision_on", timezone.localdate()),
        "reason": "Needs met by universal services",
    }
    page = practitioner_client.post(url, council_half).content.decode().replace("&#x27;", "'")
    assert "Aftercare under section 117 ends only by a joint decision: record the ICB's decision" in page
    assert "Jo Smith, Head of Service" in page and "Needs met by universal services" in page
    entitlement.refresh_from_db()
    assert entitlement.status == Section117Status.ACTIVE

    both = {
        **council_half,
        "icb_decision_by": "Dr Khan",
        **date_fields("icb_decision_on", timezone.localdate()),
    }
    response = practitioner_client.post(url, both)
    assert response.status_code == 302
    entitlement.refresh_from_db()
    assert entitlement.status == Section117Status.ENDED
    detail = practitioner_client.get(response.url).content.decode()
    assert "Dr Khan" in detail and "Record a review" not in detail
    # Ended: the write pages answer with a form error, not a second ending.
    again = practitioner_client.post(url, {})
    assert "already ended" in again.content.decode()


def test_review_page_records_and_shows_due_tag(practitioner, case, council, icb):
    with time_machine.travel(datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC), tick=False):
        entitlement = entitle(case, council, icb, practitioner, discharged_on=D(2025, 6, 1), detained_on=None)
        client = signed_in(practitioner)
        detail_url = reverse("careact:s117_detail", args=[entitlement.pk])
        page = client.get(detail_url).content.decode()
        assert "1 Jun 2026" in page and "Overdue" in page
        url = reverse("careact:s117_review_create", args=[entitlement.pk])
        bad = client.post(url, {"attendees": "CPN and the person", "notes": "Typed notes"})
        assert (
            "Enter the date of the review" in bad.content.decode() and "Typed notes" in bad.content.decode()
        )
        response = client.post(
            url,
            {
                **date_fields("held_on", D(2026, 6, 10)),
                "attendees": "CPN and the person",
                "needs_continue": "no",
                "notes": "Doing well; no longer needs aftercare",
            },
        )
        assert response.status_code == 302
        page = client.get(detail_url).content.decode()
        assert "10 Jun 2027" in page and "Overdue" not in page
        assert "record the joint decision" in page


def test_change_page_with_a_stale_version_shows_both_changes(
    practitioner_client, case, council, icb, practitioner, manager
):
    entitlement = entitle(case, council, icb, practitioner)
    url = reverse("careact:s117_edit", args=[entitlement.pk])
    assert practitioner_client.get(url).status_code == 200
    services.update_s117_entitlement(
        entitlement_id=entitlement.pk,
        data={"aftercare_plan": "Manager's plan"},
        expected_version=1,
        by=manager,
    )
    change = {
        "aftercare_plan": "Worker's plan",
        "responsible_council": council.pk,
        "responsible_icb": icb.pk,
        "review_interval_months": "6",
    }
    response = practitioner_client.post(url, {**change, "version": "1"})
    page = response.content.decode().replace("&#x27;", "'")
    assert "Someone else changed this entry" in page and "Manager's plan" in page and "Worker's plan" in page
    entitlement.refresh_from_db()
    assert (entitlement.aftercare_plan, entitlement.review_interval_months) == ("Manager's plan", 12)
    assert practitioner_client.post(url, {**change, "version": "2"}).status_code == 302
    entitlement.refresh_from_db()
    assert (entitlement.aftercare_plan, entitlement.review_interval_months) == ("Worker's plan", 6)
    assert entitlement.version == 3


def entitlement_urls(entitlement):
    return [
        reverse(f"careact:s117_{name}", args=[entitlement.pk])
        for name in ("detail", "edit", "review_create", "end")
    ] + [reverse("careact:s117_create", args=[entitlement.person_id])]


def test_strangers_commissioners_and_other_teams_get_404(
    stranger_client, commissioner_client, other_worker_client, case, council, icb, practitioner
):
    entitlement = entitle(case, council, icb, practitioner)
    for url in entitlement_urls(entitlement):
        for client in (stranger_client, commissioner_client, other_worker_client):
            assert client.get(url).status_code == 404, url
    for client in (stranger_client, commissioner_client):
        assert client.get(reverse("careact:s117_register")).status_code == 404


def test_break_glass_reads_but_cannot_write(
    other_worker, other_worker_client, case, council, icb, practitioner
):
    entitlement = entitle(case, council, icb, practitioner)
    BreakGlassAccess.objects.create(
        user=other_worker,
        person=case.person,
        reason="Police welfare check at the address tonight",
        expires_at=timezone.now() + datetime.timedelta(minutes=60),
    )
    page = other_worker_client.get(reverse("careact:s117_detail", args=[entitlement.pk])).content.decode()
    assert "Supported housing" in page and "Record a review" not in page
    assert (
        other_worker_client.get(reverse("careact:s117_review_create", args=[entitlement.pk])).status_code
        == 404
    )
    person_page = other_worker_client.get(
        reverse("cases:person_detail", args=[case.person.pk])
    ).content.decode()
    assert reverse("careact:s117_detail", args=[entitlement.pk]) in person_page


def test_detail_logs_one_read(practitioner_client, case, council, icb, practitioner):
    entitlement = entitle(case, council, icb, practitioner)
    before = AccessLog.objects.count()
    practitioner_client.get(reverse("careact:s117_detail", args=[entitlement.pk]))
    assert AccessLog.objects.count() == before + 1


# --- The register -----------------------------------------------------------------------


def test_register_lists_only_people_the_user_may_see(
    practitioner_client, other_worker_client, case, council, icb, practitioner, other_worker, south_team
):
    mine = entitle(case, council, icb, practitioner)
    theirs_case = open_case(
        PersonFactory(given_name="Zed", family_name="Southern"), south_team, other_worker, other_worker
    )
    theirs = entitle(theirs_case, council, icb, other_worker)
    url = reverse("careact:s117_register")
    before = AccessLog.objects.count()
    page = practitioner_client.get(url).content.decode()
    assert reverse("careact:s117_detail", args=[mine.pk]) in page and "Amira Okafor" in page
    assert "Southern" not in page and reverse("careact:s117_detail", args=[theirs.pk]) not in page
    assert AccessLog.objects.count() == before  # a list is not a read of one person's record
    assert "Southern" in other_worker_client.get(url).content.decode()
    assert "Amira Okafor" not in other_worker_client.get(url).content.decode()


def test_register_filters_and_sorts_by_next_review(
    practitioner_client, case, council, icb, practitioner, north_team
):
    today = timezone.localdate()
    overdue_case = open_case(PersonFactory(family_name="Overdue"), north_team, practitioner, practitioner)
    entitle(
        overdue_case,
        council,
        icb,
        practitioner,
        section="s47",
        discharged_on=today - datetime.timedelta(days=500),
        detained_on=None,
    )
    entitle(case, council, icb, practitioner)
    ended_case = open_case(PersonFactory(family_name="Finished"), north_team, practitioner, practitioner)
    ended = entitle(ended_case, council, icb, practitioner)
    services.end_s117_entitlement(entitlement_id=ended.pk, by=practitioner, **end_values())
    url = reverse("careact:s117_register")

    response = practitioner_client.get(url)
    rows = [e for e, _ in response.context["rows"]]
    assert [e.person.family_name for e in rows] == ["Overdue", "Okafor"]  # active only, soonest first
    assert "Overdue</strong>" in response.content.decode()
    assert [
        e.person.family_name for e, _ in practitioner_client.get(url, {"overdue": "on"}).context["rows"]
    ] == ["Overdue"]
    assert [e.section for e, _ in practitioner_client.get(url, {"section": "s3"}).context["rows"]] == ["s3"]
    assert [e.pk for e, _ in practitioner_client.get(url, {"status": "ended"}).context["rows"]] == [ended.pk]
    assert len(practitioner_client.get(url, {"status": "all"}).context["rows"]) == 3
    assert (
        practitioner_client.get(url, {"team": north_team.pk + 999}).status_code == 200
    )  # bad filter: ignored


def test_register_query_count_does_not_grow(
    practitioner_client, case, council, icb, practitioner, north_team
):
    url = reverse("careact:s117_register")
    entitle(case, council, icb, practitioner)
    one = count_queries(practitioner_client, url)
    for _ in range(12):
        other = open_case(PersonFactory(), north_team, practitioner, practitioner)
        e = entitle(other, council, icb, practitioner)
        review(e, practitioner, timezone.localdate())
    assert count_queries(practitioner_client, url) == one
    assert count_queries(practitioner_client, url, {"section": "s3", "status": "all"}) == one


def test_register_nav_item_for_people_who_see_person_data(practitioner_client, commissioner_client):
    home = reverse("accounts:home")
    assert "Section 117 register" in practitioner_client.get(home).content.decode()
    assert "Section 117 register" not in commissioner_client.get(home).content.decode()


def test_person_page_query_count_does_not_grow_with_entitlements(
    practitioner_client, case, person, council, icb, practitioner
):
    url = reverse("cases:person_detail", args=[person.pk])
    entitlement = entitle(case, council, icb, practitioner)
    one = count_queries(practitioner_client, url)
    services.end_s117_entitlement(entitlement_id=entitlement.pk, by=practitioner, **end_values())
    for section in ("s37", "s47"):
        e = entitle(case, council, icb, practitioner, section=section)
        services.end_s117_entitlement(entitlement_id=e.pk, by=practitioner, **end_values())
    assert count_queries(practitioner_client, url) == one


def test_detail_query_count_does_not_grow_with_reviews(practitioner_client, case, council, icb, practitioner):
    entitlement = entitle(case, council, icb, practitioner)
    review(entitlement, practitioner)
    url = reverse("careact:s117_detail", args=[entitlement.pk])
    one = count_queries(practitioner_client, url)
    for days in range(1, 8):
        review(entitlement, practitioner, days_ago(days))
    assert count_queries(practitioner_client, url) == one


def test_register_paginates_keeping_only_filter_values_in_links(
    practitioner_client, case, council, icb, practitioner, north_team, monkeypatch
):
    from careact import selectors_s117

    monkeypatch.setattr(selectors_s117, "REGISTER_PAGE_SIZE", 2)
    entitle(case, council, icb, practitioner)
    for _ in range(2):
        entitle(
            open_case(PersonFactory(), north_team, practitioner, practitioner), council, icb, practitioner
        )
    url = reverse("careact:s117_register")
    response = practitioner_client.get(url, {"section": "s3", "team": north_team.pk})
    page = response.content.decode()
    assert response.context["page_obj"].paginator.num_pages == 2
    assert f"?section=s3&amp;team={north_team.pk}&amp;page=2" in page
    second = practitioner_client.get(url, {"section": "s3", "team": north_team.pk, "page": 2})
    assert len(second.context["rows"]) == 1
