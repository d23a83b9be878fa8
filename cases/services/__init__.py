"""Every write in the cases app, one module per area; import from `cases.services`."""

from .people import *  # noqa: F403
from .people import DomainError, StaleEdit  # noqa: F401  (named for readers and linters)
from .recording import *  # noqa: E402, F403
from .referrals import *  # noqa: E402, F403
from .reminders import *  # noqa: E402, F403
