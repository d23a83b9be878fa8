"""Every write in the careact app, one module per area; import from `careact.services`.

Refusals raise `DomainError` (from cases), which views show as form errors.
"""

from cases.services import DomainError, StaleEdit  # noqa: F401
