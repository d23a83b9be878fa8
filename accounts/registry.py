"""Small registries that let each app add to shared pages without the core importing it.

An app registers navigation items and home-page panels in its AppConfig.ready(); the base
layout and the home page render whatever is registered (DESIGN.md section 1).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    allowed: Callable  # (user) -> bool
    order: int = 100
    active_prefix: str = ""


@dataclass(frozen=True)
class Panel:
    """A block on a shared page: `template` rendered with `context(request, **kwargs)`.

    `allowed(user)` decides whether it shows; `context` returns None to hide it.
    """

    key: str
    template: str
    context: Callable
    allowed: Callable = field(default=lambda user: True)
    order: int = 100


_nav: dict[str, NavItem] = {}
_home_panels: dict[str, Panel] = {}


def register_nav(item: NavItem) -> None:
    _nav[item.url_name] = item


def register_home_panel(panel: Panel) -> None:
    _home_panels[panel.key] = panel


def nav_items_for(request) -> list[dict]:
    """The items this user may use; the one whose prefix best matches the path is current."""
    items = []
    for item in sorted(_nav.values(), key=lambda i: (i.order, i.label)):
        if item.allowed(request.user):
            url = reverse(item.url_name)
            items.append({"label": item.label, "url": url, "prefix": item.active_prefix or url})
    matches = [
        i
        for i in items
        if (request.path == i["url"] if i["prefix"] == "/" else request.path.startswith(i["prefix"]))
    ]
    current = max(matches, key=lambda i: len(i["prefix"]), default=None)
    return [{"label": i["label"], "url": i["url"], "active": i is current} for i in items]


def render_panels(panels: dict[str, Panel], request, **kwargs) -> list[dict]:
    """Evaluate the panels this user may see, in order, as (template, context) pairs."""
    rendered = []
    for panel in sorted(panels.values(), key=lambda p: (p.order, p.key)):
        if not panel.allowed(request.user):
            continue
        context = panel.context(request, **kwargs)
        if context is not None:
            rendered.append({"key": panel.key, "template": panel.template, "context": context})
    return rendered


def home_panels_for(request) -> list[dict]:
    return render_panels(_home_panels, request)
