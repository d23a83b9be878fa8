"""Small pieces the governance views share."""

from cases.services import DomainError


def add_problems(form, exc: DomainError) -> None:
    """Show a service's refusal on the form, as an error-summary entry."""
    for problem in getattr(exc, "problems", None) or [str(exc)]:
        form.add_error(None, problem)


def int_or(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
