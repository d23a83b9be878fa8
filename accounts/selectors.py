"""Reads about who a user is and what roles they hold, cached on the user object per request."""

from .models import AGGREGATE_ONLY_ROLES, TEAM_LEAD_ROLES, Membership


def current_memberships(user) -> list[Membership]:
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_current_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.current()
            .filter(user=user)
            .select_related("team", "team__organisation")
            .order_by("started_on", "pk")
        )
        user._current_memberships = cached
    return cached


def user_roles(user) -> set[str]:
    return {m.role for m in current_memberships(user)}


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def current_teams(user):
    seen = {}
    for membership in current_memberships(user):
        seen.setdefault(membership.team_id, membership.team)
    return list(seen.values())


def current_organisation(user):
    """The organisation a user acts for: that of their first current membership."""
    memberships = current_memberships(user)
    return memberships[0].team.organisation if memberships else None


def can_see_person_data(user) -> bool:
    """Commissioners and board members see aggregates only, never a person (DESIGN.md s2).

    A user sees person-level pages only through a role that works with people; someone who
    holds only aggregate roles (commissioner) is refused whatever URL they type.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    roles = user_roles(user)
    return bool(roles - AGGREGATE_ONLY_ROLES)


def is_current_member(user, team) -> bool:
    return Membership.objects.current().filter(user=user, team=team).exists()


def team_members(team, roles=None):
    """Current members of a team (optionally with given roles), for allocation choices."""
    from .models import User

    memberships = Membership.objects.current().filter(team=team)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return User.objects.filter(memberships__in=memberships, is_active=True).distinct().order_by("full_name")


def has_role_in_team(user, team, *roles: str) -> bool:
    """A role counts only in the team where it is held: a manager in one team may be a
    practitioner in another (seconded staff)."""
    team_id = getattr(team, "pk", team)
    return any(m.team_id == team_id and m.role in roles for m in current_memberships(user))


def leads_team(user, team) -> bool:
    """A team manager or senior practitioner of this team (a team or its pk)."""
    return has_role_in_team(user, team, *TEAM_LEAD_ROLES)
