"""View guards that answer 404, so a URL never tells a user what exists (DESIGN.md s2)."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.selectors import can_see_person_data, has_role


def person_data_required(view):
    """Commissioners and other aggregate-only users never reach person-level pages."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_see_person_data(request.user):
            raise Http404("Not found")
        return view(request, *args, **kwargs)

    return wrapper


def role_required(*roles):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied("You do not have a role that can use this page")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
