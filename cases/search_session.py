"""Search criteria kept in the session, so names, dates of birth and NHS numbers never sit in
URLs, browser history or server logs (DESIGN.md section 11). A URL carries only a random key.
"""

import datetime
import secrets

SESSION_KEY = "person_searches"
KEPT_SEARCHES = 10


def save_criteria(request, criteria: dict) -> str:
    """Store cleaned search criteria; return the key that stands for them in URLs."""
    key = secrets.token_urlsafe(9)
    stored = {
        field: value.isoformat() if isinstance(value, datetime.date) else value
        for field, value in criteria.items()
    }
    searches = request.session.get(SESSION_KEY, {})
    searches[key] = stored
    request.session[SESSION_KEY] = dict(list(searches.items())[-KEPT_SEARCHES:])
    return key


def load_criteria(request, key: str | None) -> dict | None:
    """The criteria behind a key from this user's own session, or None."""
    stored = request.session.get(SESSION_KEY, {}).get(key or "")
    if stored is None:
        return None
    criteria = dict(stored)
    if criteria.get("date_of_birth"):
        criteria["date_of_birth"] = datetime.date.fromisoformat(criteria["date_of_birth"])
    return criteria


SHOWN_KEY = "stubs_shown"
KEPT_STUBS = 500


def remember_stubs_shown(request, people) -> None:
    """Note which people this session was shown as search or duplicate stubs."""
    shown = [pk for pk in request.session.get(SHOWN_KEY, []) if pk not in {p.pk for p in people}]
    request.session[SHOWN_KEY] = (shown + [p.pk for p in people])[-KEPT_STUBS:]


def stub_was_shown(request, pk: int) -> bool:
    """Emergency access starts from a stub this session was shown, so stepping through record
    numbers reveals nobody's name (ADR 1)."""
    return pk in request.session.get(SHOWN_KEY, [])
