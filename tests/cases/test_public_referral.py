"""The public referral front door at /refer/: no sign-in, honeypot, rate limit, no leaks."""

import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ServiceLine, Team
from cases.models import Referral
from cases.views import public
from tests.factories import make_team

URL = reverse("public:refer")
THANK_YOU_URL = reverse("public:thank_you")


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    public.rate_limit().reset("127.0.0.1")
    yield
    public.rate_limit().reset("127.0.0.1")


@pytest.fixture
def poa_team(council):
    closed = make_team("Access Team (closed)", council, ServiceLine.POINT_OF_ACCESS, "")
    Team.objects.filter(pk=closed.pk).update(is_active=False)  # first by name, but not active
    return make_team("Point of Access", council, ServiceLine.POINT_OF_ACCESS, "")


def form_data(**overrides):
    data = {
        "who": "relative_or_friend",
        "name": "Jo Bloggs",
        "date_of_birth_day": "4",
        "date_of_birth_month": "7",
        "date_of_birth_year": "1980",
        "address": "1 High Street\nNorwich",
        "postcode": "nr1 3qu",
        "phone": "",
        "email": "",
        "reason": "My brother has stopped eating and will not leave the house.",
        "urgent": "yes",
        "referrer_name": "Sam Bloggs",
        "referrer_role": "Her sister",
        "referrer_phone": "07700 900982",
        "referrer_email": "sam@example.com",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def test_anyone_can_see_the_form_without_signing_in(poa_team):
    response = Client().get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Who are you?" in content
    assert "If someone is in immediate danger call 999" in content
    assert "call NHS 111 and choose the mental health option" in content
    # The honeypot is hidden from everyone, including screen readers and keyboards.
    assert re.search(r'<div hidden aria-hidden="true">\s*<label for="id_website">', content)
    assert 'name="website" value="" tabindex="-1"' in content


def test_signed_in_staff_can_see_the_form_too(poa_team, practitioner_client):
    response = practitioner_client.get(URL)
    assert response.status_code == 200
    assert "Who are you?" in response.content.decode()


def test_a_referral_lands_unverified_in_the_point_of_access_queue(poa_team, north_team):
    client = Client()
    response = client.post(URL, form_data())
    assert response.status_code == 302
    assert response["Location"] == THANK_YOU_URL

    referral = Referral.objects.get()
    assert referral.team == poa_team
    assert referral.person is None
    assert referral.is_verified is False
    assert referral.received_via == "online"
    assert referral.source == "relative_or_friend"
    assert referral.urgency == "high"
    assert referral.consent_to_share == "yes"
    assert referral.status == "awaiting_triage"
    assert referral.reason == "My brother has stopped eating and will not leave the house."
    assert referral.referrer_name == "Sam Bloggs"
    assert referral.referrer_phone == "07700 900982"
    assert referral.subject_details == {
        "name": "Jo Bloggs",
        "date_of_birth": "1980-07-04",
        "address": "1 High Street\nNorwich",
        "postcode": "NR1 3QU",
        "phone": "",
        "email": "",
        "referrer_name": "Sam Bloggs",
        "referrer_role": "Her sister",
        "referrer_phone": "07700 900982",
        "referrer_email": "sam@example.com",
    }

    page = client.get(THANK_YOU_URL)
    assert page.status_code == 200
    assert referral.reference in page.content.decode()
    assert "What happens next" in page.content.decode()
    assert referral.reference not in response["Location"]


def test_a_self_referral_that_is_not_urgent(poa_team):
    data = form_data(
        who="self",
        urgent="no",
        phone="01632 960001",
        date_of_birth_day="",
        date_of_birth_month="",
        date_of_birth_year="",
        address="",
        postcode="",
        referrer_name="Typed by mistake",
        referrer_phone="",
        referrer_email="",
    )
    assert Client().post(URL, data).status_code == 302
    referral = Referral.objects.get()
    assert referral.source == "self"
    assert referral.urgency == "routine"
    assert referral.referrer_name == "Jo Bloggs"
    assert referral.subject_details["date_of_birth"] == ""
    assert referral.subject_details["phone"] == "01632 960001"
    assert "referrer_name" not in referral.subject_details


def test_a_professional_referral(poa_team):
    assert Client().post(URL, form_data(who="other_professional")).status_code == 302
    assert Referral.objects.get().source == "other_professional"


def test_errors_are_summarised_and_nothing_typed_is_lost(poa_team):
    data = form_data(
        who="",
        reason="",
        urgent="",
        consent="",
        date_of_birth_day="31",
        date_of_birth_month="2",
        date_of_birth_year="1980",
        postcode="not a postcode",
        referrer_name="",
        referrer_phone="",
        referrer_email="",
        address="12 Typed Road",
    )
    response = Client().post(URL, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "<title>Error:" in content
    for message in (
        "Select who you are",
        "Tell us what is happening and what help is needed",
        "Select yes if help is needed urgently",
        "Confirm that you understand how the information will be shared",
        "Enter a real date",
        "Enter a real UK postcode, like SW1A 1AA",
    ):
        assert message in content
    assert 'href="#id_date_of_birth_day"' in content
    # What was typed is shown back.
    assert 'value="Jo Bloggs"' in content
    assert "12 Typed Road" in content
    assert 'value="31"' in content
    assert 'value="not a postcode"' in content
    assert not Referral.objects.exists()


def test_someone_else_must_give_their_own_name_and_contact(poa_team):
    data = form_data(referrer_name="", referrer_phone="", referrer_email="")
    content = Client().post(URL, data).content.decode()
    assert "Enter your full name" in content
    assert "Enter a phone number or email address so we can contact you" in content
    assert not Referral.objects.exists()


def test_a_person_referring_themselves_must_give_a_contact(poa_team):
    data = form_data(who="self", phone="", email="")
    content = Client().post(URL, data).content.decode()
    assert "Enter a phone number or email address so we can contact you" in content
    assert not Referral.objects.exists()


def test_bad_contact_details_are_explained(poa_team):
    data = form_data(referrer_phone="call me", referrer_email="not-an-email")
    content = Client().post(URL, data).content.decode()
    assert "Enter a phone number, like 01632 960 001 or 07700 900 982" in content
    assert "Enter an email address in the correct format, like name@example.com" in content
    assert 'value="call me"' in content
    assert not Referral.objects.exists()


def test_a_future_date_of_birth_is_refused(poa_team):
    content = Client().post(URL, form_data(date_of_birth_year="2999")).content.decode()
    assert "Date of birth must be today or in the past" in content
    assert not Referral.objects.exists()


def test_a_filled_honeypot_creates_nothing_and_looks_the_same(poa_team):
    client = Client()
    response = client.post(URL, form_data(website="https://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == THANK_YOU_URL
    page = client.get(THANK_YOU_URL)
    assert page.status_code == 200
    assert "Request sent" in page.content.decode()
    assert re.search(r"<strong>R[2-9A-Z]{7}</strong>", page.content.decode())
    assert not Referral.objects.exists()


def test_too_many_submissions_from_one_address_get_429(poa_team, settings):
    settings.PUBLIC_REFERRAL_RATE_LIMIT = 3
    client = Client()
    for _ in range(3):
        assert client.post(URL, form_data()).status_code == 302
    response = client.post(URL, form_data())
    assert response.status_code == 429
    assert "too many requests" in response.content.decode()
    assert Referral.objects.count() == 3
    # Another address is not affected.
    other = Client(REMOTE_ADDR="192.0.2.44")
    assert other.post(URL, form_data()).status_code == 302
    public.rate_limit().reset("192.0.2.44")


def test_the_default_limit_is_five_an_hour(poa_team):
    client = Client()
    for _ in range(5):
        assert client.post(URL, form_data()).status_code == 302
    assert client.post(URL, form_data()).status_code == 429
    assert Referral.objects.count() == 5


def _normalised(html: str, reference: str) -> str:
    html = html.replace(reference, "REFERENCE")
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_the_response_never_shows_whether_a_person_is_known(poa_team, person):
    responses = []
    for name in (f"{person.given_name} {person.family_name}", "Nobody Known-Atall"):
        client = Client()
        dob = person.date_of_birth
        data = form_data(
            name=name,
            date_of_birth_day=str(dob.day),
            date_of_birth_month=str(dob.month),
            date_of_birth_year=str(dob.year),
            postcode=person.postcode,
        )
        posted = client.post(URL, data)
        page = client.get(THANK_YOU_URL)
        reference = Referral.objects.get(subject_details__name=name).reference
        responses.append(
            (posted.status_code, posted["Location"], _normalised(page.content.decode(), reference))
        )
    assert responses[0] == responses[1]
    assert not Referral.objects.filter(person__isnull=False).exists()


def test_csrf_is_still_enforced(poa_team):
    client = Client(enforce_csrf_checks=True)
    assert client.post(URL, form_data()).status_code == 403
    assert not Referral.objects.exists()
    # With the token from the form, it goes through.
    client.get(URL)
    token = client.cookies["csrftoken"].value
    assert client.post(URL, form_data(csrfmiddlewaretoken=token)).status_code == 302


def test_the_thank_you_page_without_a_referral_goes_back_to_the_form(poa_team):
    response = Client().get(THANK_YOU_URL)
    assert response.status_code == 302
    assert response["Location"] == URL


def test_without_a_point_of_access_team_the_page_says_sorry_and_logs(council, north_team, caplog):
    client = Client()
    with caplog.at_level(logging.ERROR, logger="cases.views.public"):
        response = client.get(URL)
    assert response.status_code == 503
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert any("no active point-of-access team" in r.getMessage() for r in caplog.records)

    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="cases.views.public"):
        response = client.post(URL, form_data())
    assert response.status_code == 503
    assert caplog.records
    assert not Referral.objects.exists()


def test_the_first_active_point_of_access_team_by_name_receives(poa_team, council):
    make_team("Zeta Access", council, ServiceLine.POINT_OF_ACCESS, "")
    Client().post(URL, form_data())
    assert Referral.objects.get().team == poa_team


def test_the_form_still_works_when_the_cache_is_down(poa_team, monkeypatch):
    """With Redis stopped the rate limit cannot count; a person asking for help still gets through."""
    from cases import ratelimit

    class DownCache:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("cache down")

            return fail

    monkeypatch.setattr(ratelimit, "cache", DownCache())
    response = Client().post(URL, form_data())
    assert response.status_code == 302
    assert Referral.objects.filter(team=poa_team).count() == 1
    monkeypatch.undo()  # before the rate-limit fixture resets the real cache
