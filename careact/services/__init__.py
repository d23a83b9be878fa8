"""Every write in the careact app, one module per area; import from `careact.services`.

Refusals raise `DomainError` (from cases), which views show as form errors.
"""

from cases.services import DomainError, StaleEdit  # noqa: F401

from .assessments import *  # noqa: F403
from .carers import *  # noqa: F403
from .mca import *  # noqa: F403
from .plans import *  # noqa: F403
from .s117 import *  # noqa: F403
