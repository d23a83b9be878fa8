"""Every write in the safeguarding app; import from `safeguarding.services`."""

from cases.services import DomainError, StaleEdit  # noqa: F401

from .concerns import *  # noqa: E402, F403
from .enquiries import *  # noqa: E402, F403
from .enquiries import ClosureRefused  # noqa: F401  (named for readers and linters)
