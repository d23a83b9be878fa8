"""Small pieces the Care Act views share."""

from .. import services


def add_problems(form, exc: services.DomainError) -> None:
    """Show a refusal on the form: each of its `problems` as its own error-summary entry when
    the service listed several (AssessmentProblems, PlanIncomplete), else its message."""
    for problem in getattr(exc, "problems", None) or [str(exc)]:
        form.add_error(None, problem)
