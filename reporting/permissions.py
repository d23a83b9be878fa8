"""Who may see and change governance records (DESIGN.md section 2; issue 8).

- Commissioners (board members hold the commissioner role), team managers and
  administrators see the action plan, the risk register and the indicators.
- Commissioners and administrators change them; so does anyone given the Django
  permission `reporting.manage_governance` (and superusers, who hold every permission).
- Everyone else gets 404, for missing and forbidden alike, so a URL tells nothing.

Nothing here is person data: the pages show aggregates only, so no read is logged.
"""

from functools import wraps

from django.http import Http404

from accounts.models import Role
from accounts.selectors import has_role

from .models import MANAGE_GOVERNANCE

VIEW_ROLES = (Role.COMMISSIONER, Role.TEAM_MANAGER, Role.ADMINISTRATOR)
EDIT_ROLES = (Role.COMMISSIONER, Role.ADMINISTRATOR)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_edit_governance(user) -> bool:
    return _active(user) and (has_role(user, *EDIT_ROLES) or user.has_perm(MANAGE_GOVERNANCE))


def can_view_governance(user) -> bool:
    return _active(user) and (has_role(user, *VIEW_ROLES) or user.has_perm(MANAGE_GOVERNANCE))


def governance_required(view):
    """Readers of governance pages only; others 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_view_governance(request.user):
            raise Http404("Not found")
        return view(request, *args, **kwargs)

    return wrapper


def governance_editor_required(view):
    """Those who may change governance records only; others (readers too) 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_edit_governance(request.user):
            raise Http404("Not found")
        return view(request, *args, **kwargs)

    return wrapper


def get_or_404(queryset, pk):
    """One row by primary key from a selector's queryset, or 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("Not found") from None
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise Http404("Not found")
    return row
