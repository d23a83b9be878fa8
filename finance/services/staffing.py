"""Staffing budgets by partner and group, and their monthly actuals (seed 003 s3.3).

Actuals are entered month by month or imported from a ledger CSV. The import checks every
row before it writes anything: one bad row and nothing is imported, and each bad row is
reported by its line number with what is wrong. A re-import of a month replaces that month.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from cases.services import DomainError

from ..models import PooledBudget, StaffingActual, StaffingLine

__all__ = [
    "LEDGER_COLUMNS",
    "LedgerImport",
    "LedgerProblems",
    "import_ledger_csv",
    "record_actuals",
    "save_staffing_lines",
]

LEDGER_COLUMNS = ("partner", "group", "month", "amount")
MAX_AMOUNT = Decimal("999999999999.99")  # what the columns hold (14 digits, 2 places)
_MONTH = re.compile(r"(\d{4})-(\d{2})")


class LedgerProblems(DomainError):
    """The ledger file was refused; `problems` lists each bad row with what is wrong."""

    def __init__(self, problems: list[str]):
        super().__init__(problems[0] if problems else "The file could not be imported")
        self.problems = problems


@dataclass
class LedgerImport:
    rows: int
    months: list[datetime.date] = field(default_factory=list)
    replaced: int = 0  # earlier ledger actuals of those months that the file no longer has

    @property
    def month_labels(self) -> str:
        return ", ".join(f"{m:%B %Y}" for m in self.months)


def months_of(budget: PooledBudget) -> list[datetime.date]:
    """The twelve months of the budget's financial year, April first."""
    first, _ = budget.bounds
    return [
        datetime.date(first.year + (first.month + i - 1) // 12, (first.month + i - 1) % 12 + 1, 1)
        for i in range(12)
    ]


def _check_amount(value, what: str, *, negative_ok: bool = False) -> Decimal:
    if value is None:
        raise DomainError(f"Enter the {what}")
    if not negative_ok and value < 0:
        raise DomainError(f"The {what} cannot be negative")
    if abs(value) > MAX_AMOUNT:
        raise DomainError(f"The {what} is too large")
    return value


@transaction.atomic
def save_staffing_lines(*, budget: PooledBudget, changes: dict[int, dict], new: dict | None = None, by):
    """Change existing staffing lines (keyed by id: budget_amount, adjusted_budget, forecast)
    and optionally add one (partner, group and the three amounts). One line per partner and
    group. Returns the new line or None."""
    budget = PooledBudget.objects.select_for_update().select_related("agreement").get(pk=budget.pk)
    lines = {line.pk: line for line in StaffingLine.objects.filter(budget=budget).select_related("partner")}
    if set(changes) - set(lines):
        raise DomainError("A staffing line is not part of this budget: reload the page and try again")
    changed = []
    for pk, values in changes.items():
        line = lines[pk]
        for name, what in (
            ("budget_amount", "budget"),
            ("adjusted_budget", "adjusted budget"),
            ("forecast", "forecast"),
        ):
            amount = _check_amount(values.get(name), f"{what} for {line}")
            if amount != getattr(line, name):
                setattr(line, name, amount)
                if line not in changed:
                    changed.append(line)
    StaffingLine.objects.bulk_update(changed, ["budget_amount", "adjusted_budget", "forecast"])
    if not new:
        return None
    partner = new.get("partner")
    if partner is None:
        raise DomainError("Select the partner for the new staffing line")
    if not budget.agreement.partners.filter(organisation=partner).exists():
        raise DomainError("A staffing line belongs to a partner to the agreement")
    group = (new.get("group") or "").strip()
    if not group:
        raise DomainError("Enter the group for the new staffing line, for example AP or Mgmt")
    if any(line.partner_id == partner.pk and line.group.lower() == group.lower() for line in lines.values()):
        raise DomainError(f"There is already a staffing line for {partner.name} {group}")
    amounts = {
        name: _check_amount(new.get(name), f"{what} for the new line")
        for name, what in (
            ("budget_amount", "budget"),
            ("adjusted_budget", "adjusted budget"),
            ("forecast", "forecast"),
        )
    }
    return StaffingLine.objects.create(budget=budget, partner=partner, group=group, **amounts)


def _upsert(line_id: int, month: datetime.date, amount: Decimal, source: str, by) -> None:
    StaffingActual.objects.update_or_create(
        line_id=line_id,
        month=month,
        defaults={"amount": amount, "source": source, "recorded_by": by, "recorded_at": timezone.now()},
    )


@transaction.atomic
def record_actuals(
    *, budget: PooledBudget, month: datetime.date, amounts: dict[int, Decimal | None], by
) -> int:
    """Enter the actual spend of one month for some staffing lines (keyed by id). A line left
    out (or None) keeps what it has; a new amount replaces the month's. Returns rows saved."""
    if month not in months_of(budget):
        raise DomainError(f"Select a month in {budget.label}")
    line_ids = set(StaffingLine.objects.filter(budget=budget).values_list("pk", flat=True))
    if set(amounts) - line_ids:
        raise DomainError("A staffing line is not part of this budget: reload the page and try again")
    saved = 0
    for line_id, amount in amounts.items():
        if amount is None:
            continue
        _check_amount(amount, "actual", negative_ok=True)  # a refund can make a month negative
        _upsert(line_id, month, amount, StaffingActual.Source.ENTERED, by)
        saved += 1
    return saved


def _decode(content) -> str:
    if isinstance(content, bytes):
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise LedgerProblems(["The file must be a CSV file saved as UTF-8"]) from None
    return content.lstrip("\ufeff")


def _parse_month(text: str, months: list[datetime.date]):
    match = _MONTH.fullmatch(text)
    if not match or not 1 <= int(match[2]) <= 12:
        return None, "the month must be written as YYYY-MM, for example 2026-05"
    month = datetime.date(int(match[1]), int(match[2]), 1)
    if month not in months:
        return None, f"{month:%B %Y} is not in the budget's year"
    return month, None


def _parse_amount(text: str):
    try:
        amount = Decimal(text.replace(",", "").replace("£", "").strip())
    except InvalidOperation:
        return None, "the amount must be a number of pounds, for example 8350.25"
    if not amount.is_finite():
        return None, "the amount must be a number of pounds, for example 8350.25"
    if amount != amount.quantize(Decimal("0.01")):
        return None, "the amount can have no more than 2 decimal places"
    if abs(amount) > MAX_AMOUNT:
        return None, "the amount is too large"
    return amount, None


def _read_ledger(budget: PooledBudget, text: str) -> list[tuple[int, datetime.date, Decimal]]:
    """Every row checked; raises LedgerProblems listing each bad row (line numbers count the
    header as line 1, as a spreadsheet shows them)."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    wanted = list(LEDGER_COLUMNS)
    if header is None or not any(cell.strip() for cell in header):
        raise LedgerProblems(["The file is empty: it needs a header row (partner, group, month, amount)"])
    names = [cell.strip().lower() for cell in header]
    if names != wanted:
        raise LedgerProblems(
            [f"The first row must be the header: partner, group, month, amount (it is: {', '.join(header)})"]
        )
    partners = {
        name.lower(): pk
        for pk, name in budget.agreement.partners.values_list("organisation_id", "organisation__name")
    }
    lines = {
        (partner_id, group.lower()): pk
        for pk, partner_id, group in StaffingLine.objects.filter(budget=budget).values_list(
            "pk", "partner_id", "group"
        )
    }
    months = months_of(budget)
    problems, rows, seen = [], [], {}
    for row in reader:
        number = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # a blank line, as spreadsheets leave at the end
        if len(row) != len(wanted):
            problems.append(
                f"Line {number}: expected 4 columns (partner, group, month, amount), found {len(row)}"
            )
            continue
        partner, group, month_text, amount_text = (cell.strip() for cell in row)
        wrong = []
        partner_id = partners.get(partner.lower())
        if not partner:
            wrong.append("the partner is missing")
        elif partner_id is None:
            wrong.append(f"{partner} is not a partner to the agreement")
        line_id = None
        if not group:
            wrong.append("the group is missing")
        elif partner_id is not None:
            line_id = lines.get((partner_id, group.lower()))
            if line_id is None:
                wrong.append(f"there is no staffing line for {partner} {group}: add it first")
        month, problem = _parse_month(month_text, months)
        if problem:
            wrong.append(problem)
        amount, problem = _parse_amount(amount_text)
        if problem:
            wrong.append(problem)
        if not wrong and (line_id, month) in seen:
            wrong.append(f"the same partner, group and month as line {seen[(line_id, month)]}")
        if wrong:
            problems.append(f"Line {number}: {'; '.join(wrong)}")
            continue
        seen[(line_id, month)] = number
        rows.append((line_id, month, amount))
    if problems:
        raise LedgerProblems(problems)
    if not rows:
        raise LedgerProblems(["The file has a header row but no rows to import"])
    return rows


@transaction.atomic
def import_ledger_csv(*, budget: PooledBudget, content, by) -> LedgerImport:
    """Import staffing actuals from a ledger CSV (columns partner, group, month as YYYY-MM,
    amount; header row required). Nothing is imported if any row is bad.

    Each month in the file replaces that month: its rows are written (source "ledger") over
    what was there, and earlier ledger rows of the same month that the file no longer has are
    removed. Amounts entered by hand for lines the file does not mention are kept.
    """
    budget = PooledBudget.objects.select_for_update().select_related("agreement").get(pk=budget.pk)
    rows = _read_ledger(budget, _decode(content))
    months = sorted({month for _, month, _ in rows})
    in_file = {(line_id, month) for line_id, month, _ in rows}
    stale = [
        actual.pk
        for actual in StaffingActual.objects.filter(
            line__budget=budget, month__in=months, source=StaffingActual.Source.LEDGER
        ).only("pk", "line_id", "month")
        if (actual.line_id, actual.month) not in in_file
    ]
    StaffingActual.objects.filter(pk__in=stale).delete()
    now = timezone.now()
    StaffingActual.objects.bulk_create(
        [
            StaffingActual(
                line_id=line_id, month=month, amount=amount, source=StaffingActual.Source.LEDGER,
                recorded_by=by, recorded_at=now,
            )
            for line_id, month, amount in rows
        ],
        update_conflicts=True,
        unique_fields=["line", "month"],
        update_fields=["amount", "source", "recorded_by", "recorded_at"],
    )  # fmt: skip
    return LedgerImport(rows=len(rows), months=months, replaced=len(stale))
