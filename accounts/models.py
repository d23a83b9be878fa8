"""Who works where: users, organisations, teams and memberships with roles.

A team is also an auth group, so object permissions granted to the team (django-guardian)
reach everyone who is a current member of it (DESIGN.md section 2).
"""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, Group, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff. Signs in with an email address."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "can use the admin pages",
        default=False,
        help_text="Administrators who manage organisations, teams and memberships.",
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.full_name or self.email

    @property
    def display_name(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        NHS_TRUST = "nhs_trust", "NHS trust"
        ICB = "icb", "Integrated care board"
        PROVIDER = "provider", "Provider"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    ods_code = models.CharField("ODS code", max_length=10, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceLine(models.TextChoices):
    WORKING_AGE = "working_age", "Working-age adult mental health"
    OLDER_PEOPLE = "older_people", "Older people's mental health"
    AMHP = "amhp", "AMHP service"
    FORENSIC = "forensic", "Forensic"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    FINANCE = "finance", "Finance"
    COMMISSIONING = "commissioning", "Commissioning"
    POINT_OF_ACCESS = "point_of_access", "Point of access"
    GOVERNANCE = "governance", "Information governance"


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    service_line = models.CharField(max_length=20, choices=ServiceLine.choices)
    locality = models.CharField(max_length=100, blank=True)
    group = models.OneToOneField(
        Group,
        on_delete=models.PROTECT,
        related_name="team",
        editable=False,
        help_text="Carries the team's object permissions.",
    )
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords(excluded_fields=["group"])

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name_per_org"),
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    SENIOR_PRACTITIONER = "senior_practitioner", "Senior practitioner"
    TEAM_MANAGER = "team_manager", "Team manager"
    BUSINESS_SUPPORT = "business_support", "Business support"
    AMHP = "amhp", "AMHP"
    AMHP_LEAD = "amhp_lead", "AMHP lead"
    SAFEGUARDING_MANAGER = "safeguarding_manager", "Safeguarding adults manager"
    ENQUIRY_OFFICER = "enquiry_officer", "Enquiry officer"
    FINANCE_OFFICER = "finance_officer", "Finance officer"
    COMMISSIONER = "commissioner", "Commissioner"
    AUDITOR = "auditor", "Auditor"
    PRIVACY_OFFICER = "privacy_officer", "Privacy officer"
    ADMINISTRATOR = "administrator", "Administrator"


# Roles that lead a team's work: triage its referrals, manage its cases, restrict records.
TEAM_LEAD_ROLES = (Role.TEAM_MANAGER, Role.SENIOR_PRACTITIONER)

# Roles that never see a person's record: reports and dashboards only (DESIGN.md section 2).
AGGREGATE_ONLY_ROLES = frozenset({Role.COMMISSIONER})


class EmploymentType(models.TextChoices):
    PERMANENT = "permanent", "Permanent"
    SECONDED = "seconded", "Seconded"
    LOCUM = "locum", "Locum"
    AGENCY = "agency", "Agency"


class MembershipQuerySet(models.QuerySet):
    def current(self):
        """Active and not past its end date (a lapsed one is ended by the nightly sweep)."""
        today = timezone.localdate()
        return self.filter(is_active=True).filter(
            models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=today)
        )

    def lapsed(self):
        return self.filter(is_active=True, ended_on__lt=timezone.localdate())


class Membership(models.Model):
    """A user's place in a team, with a role. Seconded staff hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    employment_type = models.CharField(
        max_length=20, choices=EmploymentType.choices, default=EmploymentType.PERMANENT
    )
    employer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="employees",
        null=True,
        blank=True,
        help_text="Who employs them, when not the team's own organisation (seconded staff).",
    )
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    objects = MembershipQuerySet.as_manager()
    # Who gave whom a place in which team, and when: membership is what opens a team's records.
    history = HistoricalRecords()

    class Meta:
        ordering = ["team__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "team", "role"],
                condition=models.Q(is_active=True),
                name="membership_unique_current_role",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}, {self.team}"
