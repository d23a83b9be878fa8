"""Every write in the amhp app, one module per area; import from `amhp.services`."""

from cases.services import DomainError, StaleEdit  # noqa: F401

from .register import *  # noqa: F403
from .requests import *  # noqa: F403
from .rota import *  # noqa: F403
