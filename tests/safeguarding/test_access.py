"""Who may see safeguarding records: strangers and commissioners get 404, the officer's
access follows their naming, break-glass is read only, and the person alleged to cause harm
is never loaded for anyone but the SAM, the officer and the team's SAMs."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases.models import AccessBasis, AccessLog, BreakGlassAccess
from safeguarding import services
from safeguarding.models import AllegedPerson
from tests.factories import make_member
from tests.safeguarding.test_services import ALLEGED, close, complete, raise_for, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def concern(person, safeguarding_team, practitioner):
    return raise_for(person, safeguarding_team, practitioner, alleged=ALLEGED)


@pytest.fixture
def enquiry(concern, sam, enquiry_officer):
    return start(concern, sam, enquiry_officer)


def pages(enquiry):
    return [
        reverse("cases:person_detail", args=[enquiry.person_id]),
        reverse("safeguarding:concern_detail", args=[enquiry.concern_id]),
        reverse("safeguarding:enquiry_detail", args=[enquiry.pk]),
        reverse("safeguarding:enquiry_strategy", args=[enquiry.pk]),
        reverse("safeguarding:enquiry_close", args=[enquiry.pk]),
    ]


def test_a_practitioner_not_involved_gets_404_everywhere(other_worker_client, stranger_client, enquiry):
    for client in (other_worker_client, stranger_client):
        for url in pages(enquiry):
            assert client.get(url).status_code == 404, url


def test_a_commissioner_gets_404_everywhere(commissioner_client, enquiry):
    urls = [
        *pages(enquiry),
        reverse("safeguarding:concern_decide", args=[enquiry.concern_id]),
        reverse("safeguarding:concern_create", args=[enquiry.person_id]),
        reverse("safeguarding:concern_new"),
        reverse("safeguarding:queue"),
        reverse("safeguarding:oversight"),
        reverse("safeguarding:quality"),
    ]
    for url in urls:
        assert commissioner_client.get(url).status_code == 404, url


def test_the_officer_gains_access_when_named_and_loses_it_when_replaced(
    concern, sam, safeguarding_team, person, client
):
    officer = make_member(safeguarding_team, Role.ENQUIRY_OFFICER, full_name="Olu Officer")
    # A member of the safeguarding team sees the adult through the team's concern already;
    # an officer in a mental health team shows the personal access clearly.
    from tests.factories import make_team

    mh_team = make_team("East Working Age", safeguarding_team.organisation, "working_age", "East")
    mh_officer = make_member(mh_team, Role.ENQUIRY_OFFICER, full_name="Mo Health")
    client.force_login(mh_officer)
    person_url = reverse("cases:person_detail", args=[person.pk])
    assert client.get(person_url).status_code == 404

    enquiry = start(concern, sam, mh_officer)
    enquiry_url = reverse("safeguarding:enquiry_detail", args=[enquiry.pk])
    assert client.get(person_url).status_code == 200
    assert client.get(enquiry_url).status_code == 200

    services.change_enquiry_staff(
        enquiry_id=enquiry.pk, sam=sam, enquiry_officer=officer, expected_version=enquiry.version, by=sam
    )
    assert client.get(person_url).status_code == 404
    assert client.get(enquiry_url).status_code == 404


def _alleged_queries(ctx) -> list[str]:
    table = AllegedPerson._meta.db_table
    return [q["sql"] for q in ctx.captured_queries if table in q["sql"]]


def test_the_alleged_person_is_never_loaded_for_the_raising_practitioner(practitioner_client, enquiry):
    for url in (
        reverse("safeguarding:concern_detail", args=[enquiry.concern_id]),
        reverse("safeguarding:enquiry_detail", args=[enquiry.pk]),
        reverse("cases:person_detail", args=[enquiry.person_id]),
    ):
        with CaptureQueriesContext(connection) as ctx:
            response = practitioner_client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Nate Nephew" not in page and "person alleged to cause harm" not in page
        assert _alleged_queries(ctx) == [], url


def test_the_sam_the_officer_and_the_teams_sams_see_the_alleged_person(
    enquiry, sam_client, enquiry_officer_client, safeguarding_team, client
):
    other_sam = make_member(safeguarding_team, Role.SAFEGUARDING_MANAGER)
    client.force_login(other_sam)
    for c in (sam_client, enquiry_officer_client, client):
        page = c.get(reverse("safeguarding:enquiry_detail", args=[enquiry.pk])).content.decode()
        assert "Nate Nephew" in page and "Nephew" in page


def test_a_team_colleague_not_named_does_not_see_the_alleged_person(enquiry, safeguarding_team, client):
    colleague = make_member(safeguarding_team, Role.ENQUIRY_OFFICER)
    client.force_login(colleague)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("safeguarding:concern_detail", args=[enquiry.concern_id]))
    assert response.status_code == 200  # the team holds the adult while the concern is open
    assert "Nate Nephew" not in response.content.decode()
    assert _alleged_queries(ctx) == []


def test_break_glass_is_read_only_and_never_shows_the_alleged_person(
    enquiry, other_worker, other_worker_client
):
    BreakGlassAccess.objects.create(
        user=other_worker,
        person=enquiry.person,
        reason="Police welfare check at the address tonight",
        expires_at=timezone.now() + datetime.timedelta(minutes=60),
    )
    detail = other_worker_client.get(reverse("safeguarding:enquiry_detail", args=[enquiry.pk]))
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "Nate Nephew" not in page and "emergency access" in page
    assert reverse("safeguarding:enquiry_strategy", args=[enquiry.pk]) not in page
    person_page = other_worker_client.get(
        reverse("cases:person_detail", args=[enquiry.person_id])
    ).content.decode()
    assert "Safeguarding" in person_page and enquiry.concern.reference in person_page
    assert reverse("safeguarding:concern_create", args=[enquiry.person_id]) not in person_page
    for url in (
        reverse("safeguarding:enquiry_strategy", args=[enquiry.pk]),
        reverse("safeguarding:concern_create", args=[enquiry.person_id]),
        reverse("safeguarding:concern_decide", args=[enquiry.concern_id]),
    ):
        assert other_worker_client.get(url).status_code == 404, url


def test_after_closure_the_teams_sams_keep_the_record_read_only(
    enquiry, sam, enquiry_officer, sam_client, enquiry_officer_client
):
    complete(enquiry, enquiry_officer)
    close(enquiry, sam)
    url = reverse("safeguarding:enquiry_detail", args=[enquiry.pk])
    response = sam_client.get(url)
    assert response.status_code == 200
    assert AccessLog.objects.filter(user=sam).latest("at").basis == AccessBasis.TEAM_RECORD
    assert reverse("safeguarding:enquiry_strategy", args=[enquiry.pk]) not in response.content.decode()
    assert sam_client.get(reverse("safeguarding:enquiry_strategy", args=[enquiry.pk])).status_code == 404
    assert enquiry_officer_client.get(url).status_code == 404


def test_each_read_writes_one_access_log_row(enquiry, sam, sam_client):
    before = AccessLog.objects.filter(user=sam).count()
    sam_client.get(reverse("safeguarding:enquiry_detail", args=[enquiry.pk]))
    rows = AccessLog.objects.filter(user=sam).order_by("at")[before:]
    assert [(r.person_id, r.what) for r in rows] == [(enquiry.person_id, "safeguarding enquiry")]


def test_after_no_further_action_the_sam_reads_the_concern_as_the_teams_record(concern, sam, sam_client):
    services.close_concern_no_further_action(
        concern_id=concern.pk,
        has_care_needs=True,
        at_risk_of_abuse=False,
        unable_to_protect=False,
        reason="No abuse found",
        action_instead="Carer's assessment offered",
        by=sam,
    )
    assert sam_client.get(reverse("cases:person_detail", args=[concern.person_id])).status_code == 404
    response = sam_client.get(reverse("safeguarding:concern_detail", args=[concern.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "Carer&#x27;s assessment offered" in page
    assert "Back to the safeguarding queue" in page and "Decide on this concern" not in page
    assert AccessLog.objects.filter(user=sam).latest("at").basis == AccessBasis.TEAM_RECORD
