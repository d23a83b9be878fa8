"""The sections a board report can hold, each a builder registered by key (issue 8).

A builder takes the report's period and audience and returns the section's figures as
JSON-safe data, worked out once when the report is generated and stored on the report:

    {
        "summary": ["Sentences that state the headline figures."],
        "tables": [accounts.exports.table_to_data(table), ...],
        "charts": [{"title": str, "labels": [str], "series": [{"name": str, "values": [number|None],
                    "axis": "left"|"right", "unit": str}], "left_label": str, "right_label": str}],
        "definitions": [["Term", "What it means and where it comes from"], ...],
    }

Builders read through the other apps' selectors only (reporting reads, never writes) and
never return a person's data. For a public report, counts under 5 are suppressed with
`suppress` before they are stored, so no stored figure can identify anyone.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

SUPPRESSION_THRESHOLD = 5
SUPPRESSED = "*"
SUPPRESSION_NOTE = "* fewer than 5: suppressed in the public report so no one can be identified."


@dataclass(frozen=True)
class SectionRequest:
    period_start: datetime.date
    period_end: datetime.date
    is_public: bool


@dataclass(frozen=True)
class SectionType:
    key: str
    title: str
    build: Callable[[SectionRequest], dict]
    order: int = 100


_sections: dict[str, SectionType] = {}


def register_section(key: str, title: str, build: Callable[[SectionRequest], dict], order: int = 100) -> None:
    _sections[key] = SectionType(key=key, title=title, build=build, order=order)


def registered_sections() -> list[SectionType]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def get_section(key: str) -> SectionType | None:
    return _sections.get(key)


def suppress(count: int, is_public: bool):
    """A count for a table cell: in a public report, 1 to 4 become "*" (0 is shown: it
    identifies no one)."""
    if is_public and 0 < count < SUPPRESSION_THRESHOLD:
        return SUPPRESSED
    return count
