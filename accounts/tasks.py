"""Background tasks of the accounts app. Idempotent: a rerun is harmless (DESIGN.md s6)."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(name="accounts.tasks.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Delete expired sessions so signed-out sessions do not linger in the database."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(name="accounts.tasks.end_lapsed_memberships")
def end_lapsed_memberships() -> int:
    """Nightly: memberships past their end date stop granting their team's access."""
    from . import services

    return services.end_lapsed_memberships()
