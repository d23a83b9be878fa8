"""The safeguarding queue, the home panel, the line of sight across organisations and the
quality view: what they show, who may see them, flat query counts and known numbers."""

import datetime
import logging
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from safeguarding.models import Concern, Enquiry
from tests.factories import PersonFactory, make_member, make_team
from tests.safeguarding.test_services import close, complete, raise_for, start

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")
QUEUE = reverse("safeguarding:queue")
OVERSIGHT = reverse("safeguarding:oversight")
QUALITY = reverse("safeguarding:quality")
# Wednesday 10 June 2026, 10:00 in London.
NOW = datetime.datetime(2026, 6, 10, 10, 0, tzinfo=LONDON)


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def count_queries(client, url, params=None):
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def trust_team(trust):
    return make_team("Trust Safeguarding", trust, "safeguarding", "")


@pytest.fixture
def trust_sam(trust_team):
    return make_member(trust_team, Role.SAFEGUARDING_MANAGER, full_name="Tia Trust")


# --- The queue --------------------------------------------------------------------------


def test_the_queue_shows_time_left_in_working_days_and_hours(client, sam, safeguarding_team, practitioner):
    with time_machine.travel(NOW, tick=False):
        adults = [PersonFactory(family_name=name) for name in ("Duetoday", "Overdue", "Ontime")]
        for adult, received in zip(
            adults, (at(2026, 6, 8, 9, 0), at(2026, 6, 5, 9, 0), at(2026, 6, 10, 9, 0)), strict=True
        ):
            raise_for(adult, safeguarding_team, practitioner, received_at=received)
        client.force_login(sam)
        response = client.get(QUEUE)
    page = response.content.decode()
    assert "Due today: 14 hours left" in page and "govuk-tag--yellow" in page
    assert "Overdue by 1 working day" in page and "govuk-tag--red" in page
    assert "2 working days left" in page
    # The soonest due first.
    assert page.index("Overdue by 1") < page.index("Due today: 14") < page.index("2 working days left")
    assert response.context["concern_counts"] == {"waiting": 3, "due_today": 1, "overdue": 1}
    with time_machine.travel(NOW, tick=False):
        client.force_login(sam)
        overdue_only = client.get(QUEUE, {"due": "overdue"}).content.decode()
    assert "Overdue" in overdue_only and "Duetoday" not in overdue_only


def test_the_queue_says_today_for_a_concern_received_today(client, sam, safeguarding_team, practitioner):
    with time_machine.travel(NOW, tick=False):
        raise_for(
            PersonFactory(family_name="Fresh"),
            safeguarding_team,
            practitioner,
            received_at=at(2026, 6, 10, 8),
        )
        raise_for(
            PersonFactory(family_name="Older"), safeguarding_team, practitioner, received_at=at(2026, 6, 9, 8)
        )
        client.force_login(sam)
        page = client.get(QUEUE).content.decode()
    assert "Today</span>" in page and "1 day ago" in page
    assert "0 days ago" not in page and "1 days ago" not in page


def test_the_queue_offers_only_the_filters_of_the_list_shown(sam_client):
    concerns = sam_client.get(QUEUE).content.decode()
    assert 'name="due"' in concerns
    for name in ("stage", "kind", "overdue", "mine"):
        assert f'name="{name}"' not in concerns
    enquiries = sam_client.get(QUEUE, {"show": "enquiries"}).content.decode()
    assert 'name="due"' not in enquiries
    for name in ("stage", "kind", "overdue", "mine"):
        assert f'name="{name}"' in enquiries


def test_the_queue_shows_enquiries_by_stage_and_age(
    sam_client, sam, enquiry_officer, safeguarding_team, practitioner
):
    old = start(
        raise_for(PersonFactory(family_name="Oldcase"), safeguarding_team, practitioner), sam, enquiry_officer
    )
    new = start(raise_for(PersonFactory(family_name="Newcase"), safeguarding_team, practitioner), sam)
    Enquiry.objects.filter(pk=old.pk).update(started_at=timezone.now() - datetime.timedelta(days=40))
    Enquiry.objects.filter(pk=new.pk).update(started_at=timezone.now() - datetime.timedelta(days=5))
    response = sam_client.get(QUEUE, {"show": "enquiries"})
    page = response.content.decode()
    assert "Oldcase" in page and "40 days" in page and "No review after 28 days" in page
    assert "Newcase" in page and "5 days" in page
    assert response.context["enquiry_counts"]["review_overdue"] == 1
    assert response.context["enquiry_counts"]["stage_strategy"] == 2
    overdue = sam_client.get(QUEUE, {"show": "enquiries", "overdue": "on"}).content.decode()
    assert "Oldcase" in overdue and "Newcase" not in overdue
    mine = sam_client.get(QUEUE, {"show": "enquiries", "mine": "on"}).content.decode()
    assert "Oldcase" in mine  # the SAM is named on both
    assert "Newcase" in mine


def test_the_queue_query_count_does_not_grow(
    sam_client, sam, safeguarding_team, practitioner, enquiry_officer
):
    start(raise_for(PersonFactory(), safeguarding_team, practitioner), sam, enquiry_officer)
    raise_for(PersonFactory(), safeguarding_team, practitioner)
    concerns = count_queries(sam_client, QUEUE)
    enquiries = count_queries(sam_client, QUEUE, {"show": "enquiries"})
    for _ in range(30):
        concern = raise_for(PersonFactory(), safeguarding_team, practitioner)
        start(raise_for(PersonFactory(), safeguarding_team, practitioner), sam, enquiry_officer)
        Concern.objects.filter(pk=concern.pk).update(decision_due_at=timezone.now())
    assert count_queries(sam_client, QUEUE) == concerns
    assert count_queries(sam_client, QUEUE, {"show": "enquiries"}) == enquiries
    assert "?show=enquiries&amp;page=2" in sam_client.get(QUEUE, {"show": "enquiries"}).content.decode()


def test_the_queue_is_for_the_safeguarding_team(
    practitioner_client, commissioner_client, enquiry_officer_client
):
    assert practitioner_client.get(QUEUE).status_code == 404
    assert commissioner_client.get(QUEUE).status_code == 404
    assert enquiry_officer_client.get(QUEUE).status_code == 200


def test_nav_and_home_panel(
    sam_client,
    enquiry_officer_client,
    practitioner_client,
    sam,
    enquiry_officer,
    person,
    safeguarding_team,
    practitioner,
):
    enquiry = start(raise_for(person, safeguarding_team, practitioner), sam, enquiry_officer)
    raise_for(PersonFactory(), safeguarding_team, practitioner)
    home = reverse("accounts:home")
    sam_home = sam_client.get(home).content.decode()
    assert f'href="{QUEUE}"' in sam_home and "1 concern waiting for a decision" in sam_home
    assert "Your open enquiries" in sam_home and "Amira Okafor" in sam_home
    officer_home = enquiry_officer_client.get(home).content.decode()
    assert reverse("safeguarding:enquiry_detail", args=[enquiry.pk]) in officer_home
    assert "Enquiry officer" in officer_home and "concern waiting" not in officer_home
    worker_home = practitioner_client.get(home).content.decode()
    assert "Your open enquiries" not in worker_home and f'href="{QUEUE}"' not in worker_home


# --- The line of sight across organisations ---------------------------------------------


@pytest.fixture
def across(person, safeguarding_team, trust_team, practitioner, sam, enquiry_officer):
    """An open concern and an enquiry in the council, and a concern in the trust about an
    adult the council's SAM has no relationship with."""
    council_enquiry = start(raise_for(person, safeguarding_team, practitioner), sam, enquiry_officer)
    council_concern = raise_for(
        PersonFactory(given_name="Cara", family_name="Council"), safeguarding_team, sam
    )
    trust_worker = make_member(trust_team, Role.PRACTITIONER)
    trust_concern = raise_for(
        PersonFactory(given_name="Tomas", family_name="Trustside"), trust_team, trust_worker
    )
    return council_enquiry, council_concern, trust_concern


def test_a_sam_sees_every_organisation_without_names_they_may_not_see(sam_client, across, caplog):
    council_enquiry, council_concern, trust_concern = across
    with caplog.at_level(logging.INFO, logger="safeguarding.oversight"):
        response = sam_client.get(OVERSIGHT)
    page = response.content.decode()
    assert trust_concern.reference in page and "Test NHS Trust" in page and "Trust Safeguarding" in page
    assert "Trustside" not in page and "Tomas" not in page
    assert reverse("safeguarding:concern_detail", args=[trust_concern.pk]) not in page
    assert "Cara Council" in page  # the SAM's own team works with her
    assert reverse("safeguarding:concern_detail", args=[council_concern.pk]) in page
    summary = {row["organisation"]: row for row in response.context["summary"]}
    assert summary["Test NHS Trust"]["concerns_waiting"] == 1
    assert summary["Northshire County Council"]["enquiries_open"] == 1
    (record,) = [r for r in caplog.records if r.name == "safeguarding.oversight"]
    assert record.user_id == response.wsgi_request.user.pk
    assert set(record.listed) == {council_concern.pk, trust_concern.pk}
    enquiries = sam_client.get(OVERSIGHT, {"show": "enquiries"}).content.decode()
    assert council_enquiry.concern.reference in enquiries and "Amira Okafor" in enquiries


def test_a_trust_head_of_safeguarding_sees_the_council_without_names(client, trust_sam, across):
    council_enquiry, council_concern, trust_concern = across
    client.force_login(trust_sam)
    home = client.get(reverse("accounts:home")).content.decode()
    assert f'href="{QUEUE}"' in home  # the trust has its own safeguarding team
    page = client.get(OVERSIGHT).content.decode()
    assert council_concern.reference in page and "Cara" not in page
    filtered = client.get(OVERSIGHT, {"organisation": trust_concern.organisation_id}).content.decode()
    assert trust_concern.reference in filtered and council_concern.reference not in filtered


def test_oversight_is_for_sams(enquiry_officer_client, practitioner_client, commissioner_client, across):
    for client in (enquiry_officer_client, practitioner_client, commissioner_client):
        assert client.get(OVERSIGHT).status_code == 404
        assert client.get(QUALITY).status_code == 404


def test_oversight_query_count_does_not_grow(sam_client, across, trust_team, safeguarding_team, sam):
    concerns = count_queries(sam_client, OVERSIGHT)
    enquiries = count_queries(sam_client, OVERSIGHT, {"show": "enquiries"})
    worker = make_member(trust_team, Role.PRACTITIONER)
    for _ in range(15):
        raise_for(PersonFactory(), trust_team, worker)
        start(raise_for(PersonFactory(), safeguarding_team, sam), sam)
    assert count_queries(sam_client, OVERSIGHT) == concerns
    assert count_queries(sam_client, OVERSIGHT, {"show": "enquiries"}) == enquiries


# --- Quality ----------------------------------------------------------------------------


def _closed(team, by_sam, officer, raiser, **updates):
    enquiry = start(raise_for(PersonFactory(), team, raiser), by_sam, officer)
    complete(enquiry, officer)
    enquiry = close(enquiry, by_sam)
    if updates:  # a record from before the rule, or imported
        Enquiry.objects.filter(pk=enquiry.pk).update(**updates)
    return enquiry


def test_quality_counts_each_element_on_a_known_set(
    sam_client, sam, enquiry_officer, safeguarding_team, practitioner, trust_team, trust_sam
):
    _closed(safeguarding_team, sam, enquiry_officer, practitioner)
    _closed(safeguarding_team, sam, enquiry_officer, practitioner, findings="", enquiry_officer=None)
    _closed(safeguarding_team, sam, enquiry_officer, practitioner, desired_outcomes="", review_on=None)
    _closed(
        safeguarding_team,
        sam,
        enquiry_officer,
        practitioner,
        closed_at=timezone.now() - datetime.timedelta(days=800),
        findings="",
    )  # outside the period
    trust_officer = make_member(trust_team, Role.ENQUIRY_OFFICER)
    _closed(trust_team, trust_sam, trust_officer, trust_sam, risk_assessment="")
    start(raise_for(PersonFactory(), safeguarding_team, practitioner), sam)  # still open

    with CaptureQueriesContext(connection) as ctx:
        response = sam_client.get(QUALITY)
    figures = response.context["figures"]
    rows = {row.label: (row.recorded, row.total, row.percent) for row in figures["rows"]}
    assert figures["total"] == 4
    assert rows["Enquiry officer named"] == (3, 4, 75)
    assert rows["Findings of the enquiry"] == (3, 4, 75)
    assert rows["Risk assessment"] == (3, 4, 75)
    assert rows["Review date and notes"] == (3, 4, 75)
    assert rows["Making Safeguarding Personal: the adult asked, and the outcomes they want"] == (3, 4, 75)
    assert rows["Safeguarding adults manager named"] == (4, 4, 100)
    assert rows["Advocacy (Care Act section 68)"] == (4, 4, 100)
    assert (figures["all"].recorded, figures["all"].percent) == (1, 25)
    enquiry_table = Enquiry._meta.db_table
    assert len([q for q in ctx.captured_queries if f'FROM "{enquiry_table}"' in q["sql"]]) == 1
    page = response.content.decode()
    assert "3 of 4" in page and "75%" in page and "25%" in page

    council = safeguarding_team.organisation
    today = timezone.localdate()
    start_day = today - datetime.timedelta(days=30)
    filtered = sam_client.get(
        QUALITY,
        {
            "start_day": start_day.day,
            "start_month": start_day.month,
            "start_year": start_day.year,
            "end_day": today.day,
            "end_month": today.month,
            "end_year": today.year,
            "organisation": council.pk,
        },
    ).context["figures"]
    assert filtered["total"] == 3
    assert {r.label: r.recorded for r in filtered["rows"]}["Risk assessment"] == 3


def test_quality_leads_back_to_the_queue_or_without_one_to_oversight(sam_client, client, trust):
    page = sam_client.get(QUALITY).content.decode()
    assert f'<a href="{QUEUE}" class="govuk-back-link">Back to the safeguarding queue</a>' in page
    assert "Line of sight across organisations</a>" not in page.split("<main")[0]
    # A head of safeguarding outside any safeguarding team has no queue.
    client.force_login(make_member(make_team("Trust Adult Services", trust), Role.SAFEGUARDING_MANAGER))
    assert client.get(QUEUE).status_code == 404
    page = client.get(QUALITY).content.decode()
    assert f'<a href="{OVERSIGHT}" class="govuk-back-link">Back to safeguarding oversight</a>' in page


def test_quality_period_errors_are_shown(sam_client):
    response = sam_client.get(
        QUALITY,
        {
            "start_day": "1",
            "start_month": "6",
            "start_year": "2026",
            "end_day": "1",
            "end_month": "1",
            "end_year": "2026",
        },
    )
    body = response.content.decode()
    assert "<title>Error: " in body and "The last date must be the same as or after the first date" in body
    assert response.context["figures"] is None


def test_quality_with_nothing_closed_shows_no_percentages(sam_client):
    figures = sam_client.get(QUALITY).context["figures"]
    assert figures["total"] == 0 and all(row.percent is None for row in figures["rows"])
