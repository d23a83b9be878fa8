"""Person-page panels for carers (called from CareActConfig.ready): "Carers" on the page of
the person cared for, "Cares for" on the carer's own page."""

from accounts.registry import Panel
from accounts.selectors import can_see_person_data


def _carers_context(request, *, person, access):
    from .. import selectors_carers as carers

    can_write = not access.is_break_glass  # emergency access is read-only
    cases = carers.open_cases_in_my_teams_for_page(request, person) if can_write else []
    case = cases[0] if cases else None
    rows = [
        (link, carers.carer_assessment_url(case.pk, link.carer_id) if case else None)
        for link in carers.carers_of(request.user, person)
    ]
    return {"person": person, "rows": rows, "can_link": case is not None}


def _cares_for_context(request, *, person, access):
    from .. import selectors_carers as carers

    links, hidden = carers.cared_for_by(request.user, person)
    if not links and not hidden:
        return None
    return {"person": person, "links": links, "hidden": hidden}


def register() -> None:
    from cases.panels import register_person_panel

    register_person_panel(
        Panel(
            key="careact_carers",
            template="careact/panels/carers.html",
            context=_carers_context,
            allowed=can_see_person_data,
            order=65,
        )
    )
    register_person_panel(
        Panel(
            key="careact_cares_for",
            template="careact/panels/carers_cares_for.html",
            context=_cares_for_context,
            allowed=can_see_person_data,
            order=66,
        )
    )
