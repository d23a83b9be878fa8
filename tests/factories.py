"""Factories for tests. Teams and memberships go through the services, as in the product."""

import datetime
import itertools

import factory

from accounts import services as account_services
from accounts.models import Organisation, Role, ServiceLine, User
from cases.models import Person
from cases.testdata import test_nhs_number

_nhs_sequence = itertools.count(500_000, 3)  # invalid bodies are never 3 in a row


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Test Council {n}")
    kind = Organisation.Kind.COUNCIL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_team(
    name="North Working Age", organisation=None, service_line=ServiceLine.WORKING_AGE, locality="North"
):
    organisation = organisation or OrganisationFactory(name="Test Council")
    return account_services.create_team(
        organisation=organisation, name=name, service_line=service_line, locality=locality
    )


def make_member(team, role=Role.PRACTITIONER, **user_kwargs):
    user = UserFactory(**user_kwargs)
    account_services.add_membership(user=user, team=team, role=role)
    return user


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    nhs_number = factory.LazyFunction(lambda: test_nhs_number(next(_nhs_sequence)))
    given_name = factory.Iterator(["Amira", "Tom", "Grace", "Kwame", "Eilidh", "Ravi"])
    family_name = factory.Iterator(["Okafor", "Hughes", "Patel", "Lindqvist", "Byrne", "Mensah"])
    # Spread over 60 years from 1940 and wrap, so a long test run never reaches the future.
    date_of_birth = factory.Sequence(
        lambda n: datetime.date(1940, 1, 1) + datetime.timedelta(days=(97 * n) % (60 * 365))
    )
    postcode = "NR1 3QU"
    address_line_1 = factory.Sequence(lambda n: f"{n + 1} Mill Lane")
    town = "Norwich"
