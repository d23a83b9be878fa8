"""Reads for the safeguarding pages, scoped to the user asking (DESIGN.md section 2).

Every list is a fixed number of queries whatever its length. Nothing here loads the person
alleged to cause harm except `alleged_person_for`, which asks permission first.
"""

from .oversight import *  # noqa: F403
from .quality import *  # noqa: F403
from .queue import *  # noqa: F403
from .records import *  # noqa: F403
