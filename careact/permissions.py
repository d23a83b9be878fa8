"""Access helpers for Care Act records: each belongs to a person, and reading it is reading
that person's data (DESIGN.md section 2). The one helper lives in cases.permissions so every
app shares it; it answers 404 for missing and forbidden alike and logs one AccessLog row."""

from cases.permissions import CHANGE_PERSON, VIEW_PERSON, get_record_for_user

__all__ = ["CHANGE_PERSON", "VIEW_PERSON", "get_record_for_user"]
