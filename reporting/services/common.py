"""Checks the governance services share."""

import datetime

from django.utils import timezone

from cases.services import DomainError
from cases.services.people import FieldChange, StaleEdit

TEXT_LIMIT = 5000


def clean_text(value, message: str, *, limit: int | None = None, label: str = "") -> str:
    """Required text, trimmed; `limit` characters at most."""
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if not value:
        raise DomainError(message)
    if limit and len(value) > limit:
        raise DomainError(f"The {label} must be {limit} characters or fewer")
    return value


def optional_text(value, *, limit: int, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(f"The {label} must be {limit} characters or fewer")
    return value


def clean_date(value, message: str) -> datetime.date:
    if not isinstance(value, datetime.date):
        raise DomainError(message)
    return value


def not_future(value: datetime.date, message: str) -> datetime.date:
    if value > timezone.localdate():
        raise DomainError(message)
    return value


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def stale_edit(obj, fields, expected_version: int, submitted: dict) -> StaleEdit:
    """What changed since the editor opened the form (from the history row of their version),
    with their own changes laid over the current values (DESIGN.md s12)."""
    then = obj.history.filter(version=expected_version).order_by("-history_id").first()
    changes, merged = [], {}
    for field in fields:
        now = getattr(obj, field)
        before = getattr(then, field) if then is not None else now
        mine = submitted.get(field, before)
        merged[field] = now if mine == before else mine
        if before != now:
            label = str(type(obj)._meta.get_field(field).verbose_name)
            changes.append(FieldChange(field, label[:1].upper() + label[1:], before, now, mine))
    return StaleEdit(current=obj, changes=changes, merged=merged)


__all__ = ["DomainError", "StaleEdit", "clean_date", "clean_text", "long_date", "not_future", "stale_edit"]
