"""Bulk inserts for the Care Act demo with PostgreSQL COPY.

Rows are plain dicts keyed by field attname (`person_id`), or by field name holding another
row (`assessment: row`), which is resolved to that row's id. Ids are drawn from each table's
sequence before the COPY, so a row can point at one written a moment earlier. bulk_create
spends most of its time preparing each value of its one big INSERT (about ten times slower
than COPY on this data), which would have put the Care Act step past a minute at 100,000
people. Fields left out take the model's default; auto_now fields left out take the time of
the run, and those given keep the demo's times (when things happened, not when seeded).
"""

import io
import json
from datetime import date

from django.db import connection
from django.utils import timezone

HISTORY_REASON = "Demo data"
NULL = r"\N"


def _escape(text: str) -> str:
    """COPY text format: backslash, tab, newline and carriage return are escaped."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _converter(field):
    kind = field.get_internal_type()
    if kind == "JSONField":
        encoder = field.encoder
        return lambda value: _escape(json.dumps(value, cls=encoder))
    if kind == "BooleanField":
        return lambda value: "t" if value else "f"
    if kind in {"DateField", "DateTimeField"}:
        return lambda value: value.isoformat() if isinstance(value, date) else str(value)
    return lambda value: _escape(str(value))


def _is_auto(field) -> bool:
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def _getter(field):
    """A function from a row to the COPY text of this field."""
    attname, name = field.attname, field.name
    if field.is_relation:

        def get_id(row):
            value = row.get(attname)
            if value is None:
                target = row.get(name)
                value = target["id"] if isinstance(target, dict) else getattr(target, "pk", None)
            return NULL if value is None else str(value)

        return get_id
    convert = _converter(field)
    default = None if _is_auto(field) else field.get_default()
    default_text = NULL if default is None else convert(default)

    def get(row):
        value = row.get(attname, default)
        if value is None:
            return NULL
        return default_text if value is default else convert(value)

    return get


def allocate_ids(model, count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(table: str, columns: list[str], lines) -> None:
    buffer = io.StringIO()
    for line in lines:
        buffer.write(line)
    buffer.seek(0)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN", buffer)


def copy_rows(model, rows: list[dict], *, history: bool = False) -> int:
    """Insert `rows` (giving each its id) and, with `history`, one simple-history row each
    ("+", reason "Demo data", dated when the record last changed), as bulk_create_with_history
    would. Returns how many rows."""
    if not rows:
        return 0
    now = timezone.now()
    fields = model._meta.concrete_fields
    auto = [field.attname for field in fields if _is_auto(field)]
    for row, pk in zip(rows, allocate_ids(model, len(rows)), strict=True):
        row["id"] = pk
        for attname in auto:
            if row.get(attname) is None:
                row[attname] = now
    getters = [_getter(field) for field in fields]
    texts = [[get(row) for get in getters] for row in rows]
    _copy(model._meta.db_table, [field.column for field in fields], ("\t".join(t) + "\n" for t in texts))
    if history:
        _copy_history(model, rows, texts, now)
    return len(rows)


def _copy_history(model, rows, texts, now) -> None:
    """The historical rows reuse the base rows' text, in the historical table's column order."""
    historical = model.history.model
    position = {field.attname: index for index, field in enumerate(model._meta.concrete_fields)}
    fields = [field for field in historical._meta.concrete_fields if field.attname != "history_id"]
    order = [position.get(field.attname) for field in fields]
    extra = [field.attname for field in fields if field.attname not in position]
    if extra != ["history_date", "history_change_reason", "history_type", "history_user_id"]:
        raise ValueError(f"Unexpected history fields on {historical.__name__}: {extra}")
    reason = _escape(HISTORY_REASON)

    def lines():
        for row, text in zip(rows, texts, strict=True):
            changed = row.get("updated_at") or row.get("recorded_at") or row.get("created_at") or now
            values = [text[index] for index in order if index is not None]
            values += [changed.isoformat(), reason, "+", NULL]
            yield "\t".join(values) + "\n"

    if any(index is None for index in order[: len(order) - len(extra)]):
        raise ValueError(f"History fields of {historical.__name__} are not base fields then history fields")
    _copy(historical._meta.db_table, [field.column for field in fields], lines())
