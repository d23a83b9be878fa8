"""Every write in the safeguarding app; import from `safeguarding.services`."""

from cases.services import DomainError, StaleEdit  # noqa: F401
