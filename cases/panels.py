"""Panels on the person page, registered by each app in its AppConfig.ready().

The person page renders whatever is registered, so referrals, assessments, safeguarding,
AMHP and finance plug in without the core importing them (DESIGN.md section 1).
Each panel's `context(request, person=..., access=...)` reads through its app's selectors.
"""

from accounts.registry import Panel, render_panels

_person_panels: dict[str, Panel] = {}


def register_person_panel(panel: Panel) -> None:
    _person_panels[panel.key] = panel


def person_panels_for(request, *, person, access) -> list[dict]:
    return render_panels(_person_panels, request, person=person, access=access)
