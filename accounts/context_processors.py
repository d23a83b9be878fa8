from django.conf import settings

from .registry import nav_items_for
from .selectors import can_see_person_data, current_organisation, current_teams


def navigation(request):
    """Product name, the user's organisation and teams, and the navigation for their roles."""
    context = {"product_name": settings.PRODUCT_NAME, "council_name": settings.COUNCIL_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context.update(
            nav_items=nav_items_for(request),
            current_organisation=current_organisation(user),
            current_teams=[t.name for t in current_teams(user)],
            can_see_people=can_see_person_data(user),
        )
    return context
