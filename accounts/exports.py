"""Tables as data, so one table can be shown on a page, put in a PDF, and exported to CSV
or XLSX with the same figures (issue 7: "CSV and XLSX export of every table"; issue 8).

A `Table` holds raw values (Decimal, int, date, str, None); templates and writers format
them. Rows have a kind: "body", "total" (bold totals) or "heading" (a block heading such as
"Other finance adjustments").
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Row:
    cells: list
    kind: str = "body"

    @property
    def is_total(self) -> bool:
        return self.kind == "total"

    @property
    def is_heading(self) -> bool:
        return self.kind == "heading"


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    # Optional spanning header above `columns`: [(label, span), ...]
    column_groups: list[tuple[str, int]] = field(default_factory=list)
    note: str = ""

    def add(self, cells, kind: str = "body") -> Row:
        row = Row(list(cells), kind)
        self.rows.append(row)
        return row


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _header_rows(table: Table) -> list[list[str]]:
    rows = []
    if table.column_groups:
        spread = []
        for label, span in table.column_groups:
            spread.extend([label] + [""] * (span - 1))
        rows.append(spread)
    rows.append(table.columns)
    return rows


def table_to_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for header in _header_rows(table):
        writer.writerow(header)
    for row in table.rows:
        writer.writerow([_plain(cell) for cell in row.cells])
    return buffer.getvalue()


def _sheet_name(title: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Table"
    name, n = base, 2
    while name in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def tables_to_xlsx(tables: list[Table]) -> bytes:
    """One worksheet per table; money stays numeric (no rounding), totals in bold."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_name(table.title, taken))
        for header in _header_rows(table):
            sheet.append(header)
            for cell in sheet[sheet.max_row]:
                cell.font = bold
        for row in table.rows:
            sheet.append([float(c) if isinstance(c, Decimal) else _plain(c) for c in row.cells])
            if row.kind != "body":
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _attachment(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_csv_response(table: Table, filename: str) -> HttpResponse:
    return _attachment(table_to_csv(table), "text/csv; charset=utf-8", filename)


def tables_xlsx_response(tables: list[Table], filename: str) -> HttpResponse:
    return _attachment(tables_to_xlsx(tables), XLSX_TYPE, filename)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --- Stored tables (board reports keep the figures they were built from) -----------------


def _to_json(value):
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    return value


def _from_json(value):
    if isinstance(value, dict):
        if "d" in value:
            return Decimal(value["d"])
        if "date" in value:
            return datetime.date.fromisoformat(value["date"])
    return value


def table_to_data(table: Table) -> dict:
    """A JSON-safe copy of a table that `table_from_data` turns back into the same table
    (Decimals and dates kept exactly)."""
    return {
        "title": table.title,
        "columns": list(table.columns),
        "column_groups": [list(group) for group in table.column_groups],
        "note": table.note,
        "rows": [{"cells": [_to_json(c) for c in row.cells], "kind": row.kind} for row in table.rows],
    }


def table_from_data(data: dict) -> Table:
    return Table(
        title=data["title"],
        columns=list(data["columns"]),
        column_groups=[tuple(group) for group in data.get("column_groups", [])],
        note=data.get("note", ""),
        rows=[Row([_from_json(c) for c in row["cells"]], row.get("kind", "body")) for row in data["rows"]],
    )
