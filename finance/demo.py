"""Section 75 finance demo data (DESIGN.md section 8; seed 003 s3.2-3.3). Registered with
`cases.demo` by finance.registrations.demo and run inside `manage.py seed_demo`, after the core
seed, in its transaction.

- The partners: the demo's councils (the first hosts the pooled fund) and the NHS trust; the
  council's finance officer (the `finance@` login) manages the pool; the trust gets a finance
  team, and a partner gets a joint commissioner when none of them has one, so the
  `commissioner@` login can read the tables.
- A pooled fund agreement with two variations and a budget for this financial year and last:
  contributions, lines for AMH and OPMH by care type, income lines (negative) and the "other
  finance adjustments" (inflation committed; backdating risk and prior-year liabilities
  forecast only, each from a date), staffing by partner and group with monthly actuals.
- Care packages for people with open cases in the working-age (AMH) and older people's
  (OPMH) teams (finance.demo_packages), about one for every eight such people.
- This year's budget is sized from the packages so the year shows what seed 003 shows: a
  modest overspend driven by older people's residential and live-in care, working-age
  supported living underspent.
- A month-end snapshot for each month end of this year so far, through the snapshot service,
  each "as known on" its day (ADR 7), so the tables show how the year moved.

Deterministic for a seed and a day: each part draws from its own generator.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts import services as account_services
from accounts.models import EmploymentType, Membership, Organisation, Role, ServiceLine, Team, User
from cases.demo.organisations import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, LOCALITY_COUNCIL, staff_names
from cases.demo.registry import DemoContext
from cases.models import Case, CaseStatus

from . import demo_texts as T
from .demo_packages import MAX_PACKAGES, MIN_PACKAGES, PEOPLE_PER_PACKAGE, CaseInfo, Drafter
from .demo_staffing import Parties, contributions, seed_staffing, size_lines
from .demo_write import write_packages
from .models import (
    AdjustmentKind,
    Agreement,
    AgreementKind,
    AgreementPartner,
    AgreementVariation,
    AuthorisationLevel,
    BudgetLine,
    CareType,
    FinanceServiceLine,
    ForecastAdjustment,
    IncomeType,
    PooledBudget,
    RiskShareRule,
    SnapshotKind,
    financial_year_bounds,
    financial_year_label,
    financial_year_of,
)

ORDER = 130  # after the Care Act, safeguarding and AMHP seeders: it reads only the core seed
HISTORY_REASON = "Demo data"
DAY = datetime.timedelta(days=1)
ADJUSTMENT_LINES = (AdjustmentKind.INFLATION, AdjustmentKind.BACKDATING_RISK, AdjustmentKind.PRIOR_YEAR)
SERVICE_LINES = {T.AMH: "Adult mental health (working age)", T.OPMH: "Older people's mental health"}
LEVELS = (("Team manager", 1, Decimal("800.00")), ("Head of service", 2, Decimal("1500.00")))
TEAM_LINES = {ServiceLine.WORKING_AGE: T.AMH, ServiceLine.OLDER_PEOPLE: T.OPMH}


def seed_finance(context: DemoContext) -> dict[str, int]:
    today = timezone.localdate()
    year = financial_year_of(today)
    parties = _parties(context)
    if parties is None:
        context.log("finance: no council and NHS trust to pool a budget: nothing seeded")
        return {}
    agreement = _agreement(parties, year)
    counts = {"agreements": 1, "agreement variations": agreement.variations.count()}

    cases, people = _open_cases(context, parties)
    count = min(len(cases), min(MAX_PACKAGES, max(MIN_PACKAGES, round(people / PEOPLE_PER_PACKAGE))))
    drafter = Drafter(
        rng=context.rng("finance:packages"),
        today=today,
        year_bounds=financial_year_bounds(year),
        managers=_managers(context),
        levels=_levels(),
        finance_id=parties.pool_manager.pk,
        head_names=staff_names(context.rng("finance:names"), 2),
    )
    drafts = drafter.draw(cases, count)
    context.log(f"finance: drew {len(drafts)} care packages for {people} people with open cases")

    amounts = size_lines(drafts, today, year, context.rng("finance:budget"))
    budgets = {y: _budget(agreement, y, amounts[y], parties) for y in (year - 1, year)}
    counts["pooled budgets"] = len(budgets)
    counts["budget lines"] = sum(len(lines) for _, lines in budgets.values())
    start = financial_year_bounds(year)[0]

    def line_for(draft):
        """The line of the year it was to start in (a package counts in every year it runs
        through: finance.commitments)."""
        paid_by = year - 1 if draft.planned_start < start else year
        return budgets[paid_by][1][(draft.case.line, draft.care_type)]

    counts |= write_packages(drafts, line_for)
    staffing = seed_staffing(
        {y: budget for y, (budget, _) in budgets.items()},
        amounts,
        parties,
        today,
        context.rng("finance:staffing"),
    )
    counts |= staffing.counts
    for y, (budget, _) in budgets.items():
        contributions(budget, amounts[y], staffing.totals[y], parties, drafts)
    counts["forecast adjustments"] = _adjustments(budgets[year][1], amounts[year], parties, today, year)
    counts["snapshots"] = _snapshots(budgets[year][0], today, context)
    return counts


# --- Partners and people ------------------------------------------------------------------


def _parties(context: DemoContext) -> Parties | None:
    organisations = context.partnership.organisations
    councils = {k: o for k, o in organisations.items() if o.kind == Organisation.Kind.COUNCIL}
    trust = next((o for o in organisations.values() if o.kind == Organisation.Kind.NHS_TRUST), None)
    if not councils or trust is None:
        return None
    host_key = "northshire" if "northshire" in councils else next(iter(councils))
    rng = context.rng("finance:staff")
    parties = Parties(host_key=host_key, councils=councils, trust=trust, pool_manager=None)
    parties.pool_manager = _finance_officer(context, councils[host_key], rng)
    parties.trust_officer = _finance_officer(context, trust, rng)
    _commissioner(context, parties, rng)
    return parties


def _finance_officer(context, organisation: Organisation, rng) -> User:
    """The organisation's finance officer: the demo `finance@` login when it works there, or
    its first one; a finance team and officer are made for an organisation that has none."""
    demo = context.partnership.demo_users.get(Role.FINANCE_OFFICER)
    members = Membership.objects.current().filter(
        team__organisation=organisation, role=Role.FINANCE_OFFICER, user__is_active=True
    )
    users = [m.user for m in members.select_related("user").order_by("pk")]
    if demo in users:
        return demo
    if users:
        return users[0]
    team = Team.objects.filter(
        organisation=organisation, service_line=ServiceLine.FINANCE, is_active=True
    ).first()
    team = team or account_services.create_team(
        organisation=organisation,
        name=f"{_short(organisation)} Mental Health Finance",
        service_line=ServiceLine.FINANCE,
    )
    user = _new_user(rng)
    account_services.add_membership(user=user, team=team, role=Role.FINANCE_OFFICER)
    return user


def _commissioner(context, parties: Parties, rng) -> None:
    """Commissioners read the tables of agreements their organisation is a partner in; when
    no partner has one, the demo commissioner also holds a joint commissioning post with the
    host council (seconded from the ICB), or a new one does."""
    partner_ids = [o.pk for o in parties.organisations]
    if (
        Membership.objects.current()
        .filter(team__organisation_id__in=partner_ids, role=Role.COMMISSIONER)
        .exists()
    ):
        return
    host = parties.host
    team = account_services.create_team(
        organisation=host, name="Joint Mental Health Commissioning", service_line=ServiceLine.COMMISSIONING
    )
    user = context.partnership.demo_users.get(Role.COMMISSIONER) or _new_user(rng)
    employer = next(
        (
            m.team.organisation
            for m in Membership.objects.current().filter(user=user).select_related("team__organisation")
        ),
        None,
    )
    seconded = employer is not None and employer != host
    account_services.add_membership(
        user=user,
        team=team,
        role=Role.COMMISSIONER,
        employment_type=EmploymentType.SECONDED if seconded else EmploymentType.PERMANENT,
        employer=employer if seconded else None,
    )


def _new_user(rng) -> User:
    while True:
        full_name = staff_names(rng, 1)[0]
        local = ".".join("".join(c for c in part.lower() if c.isalpha()) for part in full_name.split(" ", 1))
        email = f"{local}@{DEMO_EMAIL_DOMAIN}"
        if not User.objects.filter(email=email).exists():
            return User.objects.create(
                email=email, full_name=full_name, password=make_password(DEMO_PASSWORD)
            )


def _short(organisation: Organisation) -> str:
    return organisation.name.split(" ")[0]


def _managers(context) -> dict[int, int]:
    """Team pk -> its (first) team manager's user pk."""
    managers = {}
    for key, members in context.partnership.staff.items():
        for user, role in members:
            if role == Role.TEAM_MANAGER:
                managers.setdefault(context.partnership.teams[key].pk, user.pk)
    return managers


def _levels() -> list[AuthorisationLevel]:
    levels = list(AuthorisationLevel.objects.order_by("rank"))
    if not levels:  # the migration adds them; a database without them gets the defaults
        for name, rank, maximum in (*LEVELS, ("Joint funding panel (director)", 3, None)):
            levels.append(AuthorisationLevel.objects.create(name=name, rank=rank, max_weekly_cost=maximum))
    return levels


def _open_cases(context, parties: Parties) -> tuple[list[CaseInfo], int]:
    """Allocated open cases in the working-age and older people's teams, one per person
    (their first), and how many people have an open case there at all."""
    rows = (
        Case.objects.filter(status=CaseStatus.OPEN, team__service_line__in=list(TEAM_LINES))
        .order_by("pk")
        .values_list(
            "pk", "person_id", "team_id", "worker_id", "opened_at", "team__service_line", "team__locality"
        )
    )
    people, cases = set(), []
    for pk, person_id, team_id, worker_id, opened, service_line, locality in rows:
        if person_id in people:
            continue
        people.add(person_id)
        if worker_id is None:
            continue
        council = LOCALITY_COUNCIL.get(locality, parties.host_key)
        cases.append(
            CaseInfo(
                pk=pk,
                person_id=person_id,
                team_id=team_id,
                worker_id=worker_id,
                opened=timezone.localdate(opened),
                line=TEAM_LINES[service_line],
                council=council if council in parties.councils else parties.host_key,
            )
        )
    return cases, len(people)


# --- The agreement and its budgets -------------------------------------------------------


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=timezone.get_default_timezone())
    return min(moment, timezone.now() - datetime.timedelta(hours=1))


def _agreement(parties: Parties, year: int) -> Agreement:
    """A pooled fund (regulation 7 of the 2000 Regulations) hosted by the first council,
    running five years from two Aprils ago; varied each April since."""
    starts = datetime.date(year - 2, 4, 1)
    names = " and ".join(_short(c) for c in parties.councils.values())
    manager = parties.pool_manager
    agreement = Agreement(
        name=f"{names} mental health Section 75 agreement",
        kind=AgreementKind.POOLED_FUND,
        host=parties.host,
        pool_manager=manager,
        starts_on=starts,
        ends_on=datetime.date(year + 3, 3, 31),
        risk_share_rule=RiskShareRule.PROPORTIONAL,
        created_by=manager,
        created_at=_at(starts - datetime.timedelta(days=45)),
    )
    agreement._history_date, agreement._history_user = agreement.created_at, manager
    bulk_create_with_history([agreement], Agreement, default_change_reason=HISTORY_REASON)
    AgreementPartner.objects.bulk_create(
        [AgreementPartner(agreement=agreement, organisation=o) for o in parties.organisations]
    )
    AgreementVariation.objects.bulk_create(
        [
            AgreementVariation(
                agreement=agreement,
                varied_on=datetime.date(y, 4, 1),
                description=text.format(label=financial_year_label(y)),
                recorded_by=manager,
                recorded_at=_at(datetime.date(y, 4, 1) - datetime.timedelta(days=16)),
            )
            for y, text in zip((year - 1, year), T.VARIATIONS, strict=True)
        ]
    )
    return agreement


def _service_lines() -> dict[str, FinanceServiceLine]:
    lines = {}
    for position, (short, name) in enumerate(SERVICE_LINES.items(), start=1):
        lines[short], _ = FinanceServiceLine.objects.get_or_create(
            short_name=short, defaults={"name": name, "position": position}
        )
    return lines


def _budget(agreement, year: int, amounts: dict, parties: Parties):
    """The year's budget and its lines: {(service line, category): line} and
    {(None, adjustment kind): line}."""
    service_lines = _service_lines()
    budget = PooledBudget.objects.create(
        agreement=agreement,
        year=year,
        created_by=parties.pool_manager,
        created_at=_at(datetime.date(year, 3, 1)),
    )
    lines = []
    for short, service_line in service_lines.items():
        for category in (*CareType.values, *IncomeType.values):
            amount = amounts.get((short, category), Decimal(0))
            lines.append(
                BudgetLine(budget=budget, service_line=service_line, category=category, amount=amount)
            )
    for kind in ADJUSTMENT_LINES:
        lines.append(BudgetLine(budget=budget, category=kind, amount=amounts.get((None, kind), Decimal(0))))
    BudgetLine.objects.bulk_create(lines)
    by_key = {
        (line.service_line.short_name if line.service_line else None, line.category): line for line in lines
    }
    return budget, by_key


def _thousands(value) -> Decimal:
    return (Decimal(value) / 1000).quantize(Decimal(1), ROUND_HALF_UP) * 1000


def _adjustments(lines: dict, amounts: dict, parties: Parties, today: datetime.date, year: int) -> int:
    """Seed 003's "other finance adjustments": the inflation allowance committed from April,
    partly used when September's uplifts went on packages; a backdating claim forecast from
    May and settled in August, another since October; prior-year invoices from September."""
    start = financial_year_bounds(year)[0]
    spend = sum(v for (sl, cat), v in amounts.items() if sl and cat in CareType.values)
    inflation = amounts.get((None, AdjustmentKind.INFLATION), Decimal(0))
    uplift_day = start + datetime.timedelta(days=153)
    uplift_day += datetime.timedelta(days=(7 - uplift_day.weekday()) % 7)  # the packages' uplift Monday
    plan = [
        (AdjustmentKind.INFLATION, inflation, True, start, uplift_day, "inflation"),
        (
            AdjustmentKind.INFLATION,
            _thousands(inflation * Decimal("0.65")),
            True,
            uplift_day,
            None,
            "inflation_rest",
        ),
        (
            AdjustmentKind.BACKDATING_RISK,
            _thousands(spend * Decimal("0.013")),
            False,
            start + 44 * DAY,
            start + 150 * DAY,
            "backdating",
        ),
        (
            AdjustmentKind.BACKDATING_RISK,
            _thousands(spend * Decimal("0.005")),
            False,
            start + 195 * DAY,
            None,
            "backdating_settled",
        ),
        (
            AdjustmentKind.PRIOR_YEAR,
            _thousands(spend * Decimal("0.008")),
            False,
            start + 166 * DAY,
            None,
            "prior_year",
        ),
    ]
    rows = []
    for kind, amount, committed, effective, withdrawn, note in plan:
        if effective >= today or not amount:
            continue
        rows.append(
            ForecastAdjustment(
                line=lines[(None, kind)],
                amount=amount,
                in_commitment=committed,
                effective_from=effective,
                withdrawn_on=withdrawn if withdrawn and withdrawn < today else None,
                note=T.ADJUSTMENTS[note],
                recorded_by=parties.pool_manager,
                recorded_at=_at(effective),
            )
        )
    ForecastAdjustment.objects.bulk_create(rows)
    return len(rows)


def month_ends(year: int, today: datetime.date) -> list[datetime.date]:
    """The month ends of financial year `year` before today."""
    days, month_start = [], financial_year_bounds(year)[0]
    for _ in range(12):
        following = (month_start + datetime.timedelta(days=32)).replace(day=1)
        end = following - DAY
        if end >= today:
            break
        days.append(end)
        month_start = following
    return days


def _snapshots(budget: PooledBudget, today: datetime.date, context) -> int:
    """The month-end snapshots the nightly job would have taken this year, each as known on
    its day (finance.services.snapshots, ADR 7)."""
    from .services.snapshots import take_snapshot

    days = month_ends(budget.year, today)
    for day in days:
        take_snapshot(budget=budget, as_of=day, kind=SnapshotKind.MONTH_END)
    context.log(f"finance: took {len(days)} month-end snapshots of {budget}")
    return len(days)
