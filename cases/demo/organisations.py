"""The demo partnership: two councils, one NHS trust, one ICB, their teams and staff.

Shaped on the seed papers: geographic teams (North, South, West) for working-age and older
people's mental health run by the trust, with the councils' social workers seconded into
them (seed 003); a council-managed point of access and AMHP services (seed 001); safeguarding,
finance (the pooled budget), commissioning (the ICB) and information governance.
Teams and memberships go through accounts.services, as in the product.
"""

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts import services as account_services
from accounts.models import EmploymentType, Organisation, Role, ServiceLine, Team, User

from . import names

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - published demo login, demo data only
DEMO_EMAIL_DOMAIN = "demo.example"
# Dates of birth and start dates count back from this fixed day, so a seed gives the same
# data whatever day it runs.
DEMO_REFERENCE_DATE = date(2026, 11, 1)

# The first user of each role gets a memorable login (in Role order).
DEMO_LOGIN_EMAILS = {
    Role.PRACTITIONER: "practitioner@demo.example",
    Role.SENIOR_PRACTITIONER: "senior-practitioner@demo.example",
    Role.TEAM_MANAGER: "manager@demo.example",
    Role.BUSINESS_SUPPORT: "business-support@demo.example",
    Role.AMHP: "amhp@demo.example",
    Role.AMHP_LEAD: "amhp-lead@demo.example",
    Role.SAFEGUARDING_MANAGER: "sam@demo.example",
    Role.ENQUIRY_OFFICER: "enquiry-officer@demo.example",
    Role.FINANCE_OFFICER: "finance@demo.example",
    Role.COMMISSIONER: "commissioner@demo.example",
    Role.AUDITOR: "auditor@demo.example",
    Role.PRIVACY_OFFICER: "privacy@demo.example",
    Role.ADMINISTRATOR: "admin@demo.example",
}

ORGANISATIONS = {
    "northshire": ("Northshire County Council", Organisation.Kind.COUNCIL),
    "eastmere": ("Eastmere City Council", Organisation.Kind.COUNCIL),
    "trust": ("Northshire and Eastmere NHS Foundation Trust", Organisation.Kind.NHS_TRUST),
    "icb": ("Northshire and Eastmere Integrated Care Board", Organisation.Kind.ICB),
}

LOCALITIES = ("North", "South", "West")
# The council whose social workers are seconded into each locality's trust teams.
LOCALITY_COUNCIL = {"North": "northshire", "South": "eastmere", "West": "northshire"}


def geographic_team_key(locality: str, older: bool) -> str:
    return f"{locality.lower()}_{'op' if older else 'wa'}"


def _team_specs():
    """(key, organisation key, name, service line, locality) for every team."""
    specs = []
    for locality in LOCALITIES:
        specs.append(
            (
                geographic_team_key(locality, False),
                "trust",
                f"{locality} Working Age Mental Health Team",
                ServiceLine.WORKING_AGE,
                locality,
            )
        )
        specs.append(
            (
                geographic_team_key(locality, True),
                "trust",
                f"{locality} Older People's Mental Health Team",
                ServiceLine.OLDER_PEOPLE,
                locality,
            )
        )
    specs += [
        ("poa", "northshire", "Mental Health Point of Access", ServiceLine.POINT_OF_ACCESS, ""),
        ("amhp_ns", "northshire", "Northshire AMHP Service", ServiceLine.AMHP, ""),
        ("amhp_em", "eastmere", "Eastmere AMHP Service", ServiceLine.AMHP, ""),
        (
            "safeguarding_ns",
            "northshire",
            "Northshire Safeguarding Adults Team",
            ServiceLine.SAFEGUARDING,
            "",
        ),
        ("safeguarding_em", "eastmere", "Eastmere Safeguarding Adults Team", ServiceLine.SAFEGUARDING, ""),
        ("finance", "northshire", "Mental Health Pooled Budget and Finance Team", ServiceLine.FINANCE, ""),
        ("commissioning", "icb", "Mental Health Commissioning", ServiceLine.COMMISSIONING, ""),
        (
            "governance",
            "northshire",
            "Information Governance and Quality Assurance",
            ServiceLine.GOVERNANCE,
            "",
        ),
    ]
    return specs


# Employment codes in the staff plan.
PERM, SEC, LOCUM, AGENCY = "permanent", "seconded", "locum", "agency"

R = Role
# (team key, role, employment) in order; the first user of each role gets the demo login,
# so the demo practitioner, senior practitioner, manager and business support are all in
# North Working Age. SEC means seconded from the locality's council (LOCALITY_COUNCIL).
STAFF_PLAN = [
    ("north_wa", R.PRACTITIONER, SEC),
    ("north_wa", R.SENIOR_PRACTITIONER, SEC),
    ("north_wa", R.TEAM_MANAGER, SEC),
    ("north_wa", R.BUSINESS_SUPPORT, PERM),
    ("north_wa", R.PRACTITIONER, SEC),
    ("north_wa", R.PRACTITIONER, PERM),
    ("north_wa", R.PRACTITIONER, AGENCY),
    ("south_wa", R.TEAM_MANAGER, SEC),
    ("south_wa", R.SENIOR_PRACTITIONER, SEC),
    ("south_wa", R.PRACTITIONER, SEC),
    ("south_wa", R.PRACTITIONER, SEC),
    ("south_wa", R.PRACTITIONER, LOCUM),
    ("south_wa", R.BUSINESS_SUPPORT, PERM),
    ("west_wa", R.TEAM_MANAGER, PERM),
    ("west_wa", R.SENIOR_PRACTITIONER, SEC),
    ("west_wa", R.PRACTITIONER, SEC),
    ("west_wa", R.PRACTITIONER, SEC),
    ("west_wa", R.PRACTITIONER, AGENCY),
    ("west_wa", R.BUSINESS_SUPPORT, PERM),
    ("north_op", R.TEAM_MANAGER, SEC),
    ("north_op", R.PRACTITIONER, SEC),
    ("north_op", R.PRACTITIONER, SEC),
    ("north_op", R.PRACTITIONER, PERM),
    ("north_op", R.BUSINESS_SUPPORT, PERM),
    ("south_op", R.TEAM_MANAGER, SEC),
    ("south_op", R.SENIOR_PRACTITIONER, SEC),
    ("south_op", R.PRACTITIONER, SEC),
    ("south_op", R.PRACTITIONER, LOCUM),
    ("south_op", R.BUSINESS_SUPPORT, PERM),
    ("west_op", R.TEAM_MANAGER, SEC),
    ("west_op", R.PRACTITIONER, SEC),
    ("west_op", R.PRACTITIONER, PERM),
    ("west_op", R.BUSINESS_SUPPORT, PERM),
    ("poa", R.TEAM_MANAGER, PERM),
    ("poa", R.SENIOR_PRACTITIONER, PERM),
    ("poa", R.PRACTITIONER, PERM),
    ("poa", R.PRACTITIONER, PERM),
    ("poa", R.BUSINESS_SUPPORT, PERM),
    ("poa", R.BUSINESS_SUPPORT, AGENCY),
    ("amhp_ns", R.AMHP, PERM),
    ("amhp_ns", R.AMHP_LEAD, PERM),
    ("amhp_ns", R.AMHP, PERM),
    ("amhp_ns", R.AMHP, LOCUM),
    ("amhp_ns", R.BUSINESS_SUPPORT, PERM),
    ("amhp_em", R.AMHP_LEAD, PERM),
    ("amhp_em", R.AMHP, PERM),
    ("amhp_em", R.AMHP, AGENCY),
    ("safeguarding_ns", R.SAFEGUARDING_MANAGER, PERM),
    ("safeguarding_ns", R.ENQUIRY_OFFICER, PERM),
    ("safeguarding_ns", R.SAFEGUARDING_MANAGER, PERM),
    ("safeguarding_ns", R.ENQUIRY_OFFICER, PERM),
    ("safeguarding_em", R.SAFEGUARDING_MANAGER, PERM),
    ("safeguarding_em", R.ENQUIRY_OFFICER, PERM),
    ("finance", R.FINANCE_OFFICER, PERM),
    ("finance", R.FINANCE_OFFICER, PERM),
    ("finance", R.FINANCE_OFFICER, SEC),
    ("commissioning", R.COMMISSIONER, PERM),
    ("commissioning", R.COMMISSIONER, SEC),
    ("governance", R.PRIVACY_OFFICER, PERM),
    ("governance", R.AUDITOR, PERM),
    ("governance", R.AUDITOR, PERM),
    ("governance", R.ADMINISTRATOR, PERM),
]

# Second memberships: ((team key, role, nth such member), team key, role, employment).
# A North practitioner (not the demo one) and a South older people's senior practitioner
# also sit on their council's AMHP rota; the demo business support officer also covers the
# point of access, so the demo shows online referrals arriving there.
SECOND_MEMBERSHIPS = [
    (("north_wa", R.PRACTITIONER, 1), "amhp_ns", R.AMHP, PERM),
    (("south_op", R.SENIOR_PRACTITIONER, 0), "amhp_em", R.AMHP, PERM),
    (("north_wa", R.BUSINESS_SUPPORT, 0), "poa", R.BUSINESS_SUPPORT, PERM),
]

# Who a seconded member of a non-geographic team is seconded from.
TEAM_SECONDED_FROM = {
    "finance": "eastmere",
    "commissioning": "northshire",
    "amhp_ns": "northshire",
    "amhp_em": "eastmere",
}

ADMIN_MODELS = {
    "accounts": ("organisation", "team", "user", "membership"),
    "cases": ("referralqueuesettings",),
}


@dataclass
class Partnership:
    """What the staff step built, for the people step to hand cases to."""

    organisations: dict[str, Organisation]
    teams: dict[str, Team]
    staff: dict[str, list[tuple[User, str]]] = field(default_factory=dict)  # team key -> members
    demo_users: dict[str, User] = field(default_factory=dict)  # role -> demo login user

    def workers(self, team_key: str) -> list[User]:
        """Members who can be allocated cases: practitioners and senior practitioners."""
        roles = {Role.PRACTITIONER, Role.SENIOR_PRACTITIONER}
        return [user for user, role in self.staff.get(team_key, []) if role in roles]


def demo_logins() -> list[tuple[str, str]]:
    """[(role label, email)] of the fixed demo logins, in role order."""
    return [(Role(role).label, email) for role, email in DEMO_LOGIN_EMAILS.items()]


def _email_part(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def staff_names(rng: random.Random, count: int) -> list[str]:
    """Distinct fictional full names for staff, drawn from every heritage pool."""
    rows = names.ETHNICITY_WEIGHTS
    codes = list(range(len(rows)))
    weights = [weight for _, weight, *_ in rows]
    pools = [(given, family) for _, _, given, family in rows]
    chosen, families = [], set()
    while len(chosen) < count:
        given_pool, family_pool = pools[rng.choices(codes, weights)[0]]
        female, male, _ = names.POOLS[given_pool]
        given = rng.choice(female if rng.random() < 0.7 else male)  # the workforce is mostly women
        family = rng.choice(names.POOLS[family_pool][2])
        if family not in families:  # distinct family names, so emails are distinct too
            families.add(family)
            chosen.append(f"{given} {family}")
    return chosen


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _employment(code: str, team_key: str, team: Team, organisations) -> tuple[str, object]:
    """(employment type, employer or None) for a staff plan code."""
    if code != SEC:
        return {PERM: EmploymentType.PERMANENT, LOCUM: EmploymentType.LOCUM, AGENCY: EmploymentType.AGENCY}[
            code
        ], None
    council = LOCALITY_COUNCIL.get(team.locality) or TEAM_SECONDED_FROM[team_key]
    employer = organisations[council]
    if employer == team.organisation:  # seconded from its own organisation is just permanent
        return EmploymentType.PERMANENT, None
    return EmploymentType.SECONDED, employer


def build_partnership(rng: random.Random) -> Partnership:
    """Create organisations, teams (through create_team), staff and their memberships."""
    organisations = {
        key: Organisation.objects.create(name=name, kind=kind) for key, (name, kind) in ORGANISATIONS.items()
    }
    teams = {
        key: account_services.create_team(
            organisation=organisations[org], name=name, service_line=line, locality=locality
        )
        for key, org, name, line, locality in _team_specs()
    }
    partnership = Partnership(organisations=organisations, teams=teams)

    password_hash = make_password(DEMO_PASSWORD)  # hashed once, shared by every demo user
    users, seen_roles = [], set()
    for full_name, (_, role, _) in zip(staff_names(rng, len(STAFF_PLAN)), STAFF_PLAN, strict=True):
        if role in seen_roles:
            given, family = full_name.split(" ", 1)
            email = f"{_email_part(given)}.{_email_part(family)}@{DEMO_EMAIL_DOMAIN}"
        else:
            email = DEMO_LOGIN_EMAILS[role]
            seen_roles.add(role)
        joined = DEMO_REFERENCE_DATE - timedelta(days=rng.randint(60, 3650))
        users.append(
            User(
                email=email,
                full_name=full_name,
                password=password_hash,
                is_staff=role == Role.ADMINISTRATOR,
                date_joined=_aware(joined),
            )
        )
    users = User.objects.bulk_create(users)

    for user, (team_key, role, code) in zip(users, STAFF_PLAN, strict=True):
        _add_member(partnership, user, team_key, role, code)
        if user.email in DEMO_LOGIN_EMAILS.values():
            partnership.demo_users[role] = user
    for (first_team, first_role, nth), team_key, role, code in SECOND_MEMBERSHIPS:
        matches = [
            user
            for user, (plan_team, plan_role, _) in zip(users, STAFF_PLAN, strict=True)
            if (plan_team, plan_role) == (first_team, first_role)
        ]
        _add_member(partnership, matches[nth], team_key, role, code)

    admin_perms = Permission.objects.none()
    for app_label, models in ADMIN_MODELS.items():
        admin_perms |= Permission.objects.filter(
            content_type__app_label=app_label, content_type__model__in=models
        )
    partnership.demo_users[Role.ADMINISTRATOR].user_permissions.set(admin_perms)
    return partnership


def _add_member(partnership: Partnership, user: User, team_key: str, role: str, code: str):
    team = partnership.teams[team_key]
    employment_type, employer = _employment(code, team_key, team, partnership.organisations)
    started = min(user.date_joined.date() + timedelta(days=30), DEMO_REFERENCE_DATE)
    account_services.add_membership(
        user=user,
        team=team,
        role=role,
        employment_type=employment_type,
        employer=employer,
        started_on=started,
    )
    partnership.staff.setdefault(team_key, []).append((user, role))
