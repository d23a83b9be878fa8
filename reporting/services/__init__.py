"""Every write in the reporting app, one module per area; import from `reporting.services`.

Refusals raise `DomainError` (from cases), which views show as form errors.
"""

from cases.services import DomainError, StaleEdit  # noqa: F401

from .actions import *  # noqa: F403
from .indicators import *  # noqa: F403
from .risks import *  # noqa: F403
