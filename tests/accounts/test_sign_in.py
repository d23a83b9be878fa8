"""Sign-in, lockout, idle timeout, two-factor, no-store, login required (DESIGN.md s11)."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def sign_in(client, user, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": user.email, "password": password})


def test_everything_but_sign_in_and_health_needs_sign_in(client, person):
    for url in [
        reverse("accounts:home"),
        reverse("cases:person_search"),
        reverse("cases:person_detail", args=[person.pk]),
        "/admin/",
    ]:
        response = client.get(url, follow=True)
        assert response.redirect_chain and response.request["PATH_INFO"] == reverse("accounts:login"), url
    assert client.get(reverse("accounts:login")).status_code == 200


def test_sign_in_with_email_and_password(client, practitioner):
    response = sign_in(client, practitioner)
    assert response.status_code == 302 and response.url == reverse("accounts:home")
    home = client.get(reverse("accounts:home"))
    body = home.content.decode()
    assert "North Working Age" in body and "Northshire County Council" in body
    assert "no-store" in home["Cache-Control"]


def test_wrong_password_gives_a_clear_message(client, practitioner):
    body = sign_in(client, practitioner, "wrong").content.decode()
    assert "Enter a correct email address and password" in body


def test_lockout_after_five_failures(client, practitioner):
    for _ in range(5):
        sign_in(client, practitioner, "wrong")
    locked = sign_in(client, practitioner)  # even the right password is refused now
    assert locked.status_code == 429
    assert "locked" in locked.content.decode()


def test_idle_timeout_after_30_minutes(practitioner):
    client = Client()
    start = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        sign_in(client, practitioner)
        assert client.get(reverse("accounts:home")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get(reverse("accounts:home")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=60), tick=False):
        response = client.get(reverse("accounts:home"))
        assert response.status_code == 302 and "sign-in" in response.url
        assert client.get(reverse("accounts:home")).status_code == 302


def test_background_refreshes_do_not_keep_an_idle_session_open(practitioner):
    """A self-refreshing page (htmx poll) left on screen must not defeat the idle timeout;
    when the session ends, htmx is told to send the browser to sign-in."""
    client = Client()
    start = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
    poll = {"HTTP_HX_REQUEST": "true", "HTTP_X_BACKGROUND_REFRESH": "true"}
    with time_machine.travel(start, tick=False):
        sign_in(client, practitioner)
        assert client.get(reverse("accounts:home")).status_code == 200  # lands on the page
    for minutes in (10, 20, 29):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("accounts:home"), **poll).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        response = client.get(reverse("accounts:home"), **poll)
        assert response.status_code == 204
        assert "sign-in" in response["HX-Redirect"]


def test_sign_out_is_a_post(practitioner_client):
    assert practitioner_client.post(reverse("accounts:logout")).status_code == 302
    assert practitioner_client.get(reverse("accounts:home")).status_code == 302


class TestTwoFactor:
    @pytest.fixture(autouse=True)
    def otp_on(self, settings):
        settings.OTP_REQUIRED = True

    def test_first_sign_in_sets_up_an_authenticator(self, client, practitioner):
        sign_in(client, practitioner)
        assert client.get(reverse("accounts:home")).url == reverse("accounts:two_factor")
        setup = client.get(reverse("accounts:two_factor"), follow=True)
        assert "Set up two-factor sign-in" in setup.content.decode()
        device = TOTPDevice.objects.get(user=practitioner)
        wrong = client.post(reverse("accounts:two_factor_setup"), {"token": "000000"})
        assert "wrong or has expired" in wrong.content.decode()
        # django-otp throttles after a failure; a few seconds later the right code works.
        with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=5)):
            token = f"{totp(device.bin_key):06d}"
            done = client.post(reverse("accounts:two_factor_setup"), {"token": token})
        assert done.status_code == 302
        assert client.get(reverse("accounts:home")).status_code == 200

    def test_later_sign_ins_ask_for_the_code(self, client, practitioner):
        device = TOTPDevice.objects.create(user=practitioner, name="phone", confirmed=True)
        sign_in(client, practitioner)
        assert client.get(reverse("cases:person_search")).status_code == 302
        bad = client.post(reverse("accounts:two_factor"), {"token": "12ab56"})
        assert "must be 6 digits" in bad.content.decode()
        client.post(reverse("accounts:two_factor"), {"token": f"{totp(device.bin_key):06d}"})
        assert client.get(reverse("cases:person_search")).status_code == 200


def test_health_reports_the_database_without_sign_in(client):
    response = client.get("/health/?format=json")
    assert response.status_code == 200
    assert response.json() == {"Database(alias='default')": "OK"}


def test_commissioner_home_has_no_person_navigation(commissioner_client):
    body = commissioner_client.get(reverse("accounts:home")).content.decode()
    assert "Commissioning" in body
    assert "Find a person" not in body and "Records you opened recently" not in body


def test_privacy_officer_sees_review_navigation(privacy_officer_client):
    body = privacy_officer_client.get(reverse("accounts:home")).content.decode()
    assert "Emergency access reviews" in body


def test_home_lists_recently_opened_records(practitioner_client, person):
    practitioner_client.get(reverse("cases:person_detail", args=[person.pk]))
    body = practitioner_client.get(reverse("accounts:home")).content.decode()
    assert "Records you opened recently" in body and "Amira Okafor" in body


def test_changing_capitals_does_not_dodge_the_lockout(client, practitioner):
    for variant in ["user", "USER", "User", "uSer", "usEr"]:
        email = practitioner.email.replace("user", variant, 1)
        client.post(reverse("accounts:login"), {"username": email, "password": "wrong"})
    locked = sign_in(client, practitioner)
    assert locked.status_code == 429


def test_sign_in_ignores_capitals_in_the_email(client, practitioner):
    response = client.post(
        reverse("accounts:login"), {"username": practitioner.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
