"""Every write to organisations, teams and memberships.

Team membership is mirrored into the team's auth group so that object permissions granted
to a team reach exactly its current members (DESIGN.md section 2).
"""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .models import Membership, Organisation, Team, User


def _group_name(organisation: Organisation, name: str) -> str:
    return f"team:{organisation.pk}:{name}"[:150]


@transaction.atomic
def create_team(*, organisation: Organisation, name: str, service_line: str, locality: str = "") -> Team:
    group = Group.objects.create(name=_group_name(organisation, name))
    return Team.objects.create(
        organisation=organisation,
        name=name,
        service_line=service_line,
        locality=locality,
        group=group,
    )


@transaction.atomic
def rename_team(*, team: Team, name: str) -> Team:
    team.name = name
    team.save(update_fields=["name"])
    team.group.name = _group_name(team.organisation, name)
    team.group.save(update_fields=["name"])
    return team


def sync_team_groups(*, user: User) -> None:
    """Make the user's auth groups equal to the teams of their current memberships."""
    team_groups = set(
        Team.objects.filter(memberships__in=Membership.objects.current().filter(user=user)).values_list(
            "group_id", flat=True
        )
    )
    other_groups = set(user.groups.exclude(team__isnull=False).values_list("id", flat=True))
    user.groups.set(team_groups | other_groups)


@transaction.atomic
def add_membership(
    *,
    user: User,
    team: Team,
    role: str,
    employment_type: str = "permanent",
    employer: Organisation | None = None,
    started_on=None,
) -> Membership:
    membership, _ = Membership.objects.get_or_create(
        user=user,
        team=team,
        role=role,
        is_active=True,
        defaults={
            "employment_type": employment_type,
            "employer": employer,
            "started_on": started_on or timezone.localdate(),
        },
    )
    sync_team_groups(user=user)
    return membership


@transaction.atomic
def save_membership(*, membership: Membership) -> Membership:
    """Save a membership edited in the admin, then bring the user's groups in line."""
    if not membership.is_active and membership.ended_on is None:
        membership.ended_on = timezone.localdate()
    membership.save()
    sync_team_groups(user=membership.user)
    return membership


@transaction.atomic
def end_membership(*, membership: Membership, ended_on=None) -> Membership:
    membership.is_active = False
    membership.ended_on = ended_on or timezone.localdate()
    membership.save(update_fields=["is_active", "ended_on"])
    sync_team_groups(user=membership.user)
    return membership


def end_lapsed_memberships() -> int:
    """End memberships whose end date has passed, so their team access goes (DESIGN.md s2)."""
    lapsed = list(Membership.objects.lapsed().select_related("user"))
    for membership in lapsed:
        end_membership(membership=membership, ended_on=membership.ended_on)
    return len(lapsed)


def create_user(*, email: str, full_name: str, password: str | None = None, is_staff=False) -> User:
    return User.objects.create_user(email=email, full_name=full_name, password=password, is_staff=is_staff)


# --- Two-factor (django-otp TOTP) --------------------------------------------------------


def pending_totp_device(*, user):
    """The unconfirmed authenticator being set up, created on first ask."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def confirm_totp_device(*, user, token: str):
    """Confirm the pending authenticator when the code matches; None when it does not."""
    device = pending_totp_device(user=user)
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def verify_totp(*, user, token: str):
    """The confirmed device that accepts this code, or None."""
    from django_otp import devices_for_user

    for device in devices_for_user(user, confirmed=True):
        if device.verify_token(token):
            return device
    return None
