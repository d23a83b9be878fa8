# ruff: noqa: F811  (pytest fixtures imported from the apps' test packages are redefined as arguments)
"""A known world for the board report sections safeguarding, amhp, finance and staffing
(tests/reporting/test_sections_b.py), built through the apps' own services and fixtures in
the first quarter of 2026/27 (1 April to 30 June 2026), with records just either side of it.

Every figure the tests expect is worked out by hand in the docstrings here."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from amhp.models import AmhpProfile, Approval, Shift, ShiftAssignment, ShiftKind, ShiftPattern
from finance.defaults import ensure_defaults
from finance.models import (
    AdjustmentKind,
    CareType,
    IncomeType,
    StaffingActual,
    StaffingLine,
)
from tests.amhp.conftest import amhp_lead, amhp_team, amhp_user, locum_amhp, make_amhp  # noqa: F401
from tests.amhp.test_reporting import assess, receive
from tests.careact.conftest import open_case
from tests.factories import PersonFactory
from tests.finance.conftest import (  # noqa: F401  (fixtures)
    agreement,
    amh,
    budget,
    finance_officer,
    finance_team,
    line,
    make_package,
    opmh,
    trust,
)
from tests.finance.test_tables import make_snapshot, set_amounts
from tests.safeguarding.conftest import enquiry_officer, safeguarding_team, sam  # noqa: F401
from tests.safeguarding.sac_known_set import (
    conclude_at,
    decide_at,
    msp,
    no_further_action_at,
    outcome,
    raise_at,
)
from tests.safeguarding.test_services import record

LONDON = zoneinfo.ZoneInfo("Europe/London")
D = datetime.date
Q1 = (D(2026, 4, 1), D(2026, 6, 30))
TWELVE_MONTHS = (D(2025, 7, 1), D(2026, 6, 30))
NOW = datetime.datetime(2026, 8, 15, 10, 0, tzinfo=LONDON)


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def frozen_now():
    """Everything is recorded before 15 August 2026; the services refuse future times."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def finance_defaults(db):
    """Service lines and authorisation levels, again if a browser test emptied the tables."""
    ensure_defaults()


def adult(name: str):
    return PersonFactory(given_name=name, family_name="Worldb")


# --- Safeguarding ---------------------------------------------------------------------------


@pytest.fixture
def sg_world(safeguarding_team, sam, enquiry_officer, practitioner):  # noqa: F811
    """Concerns (received; decided; kind) and enquiries, Q1 2026/27:

    A  received 31 Mar 23:30 (before); s42 decided 1 Apr (on time); closed 1 Jul 00:30 (after)
    B  received 1 Apr 00:30; no further action 2 Apr (on time)
    I  received 3 Apr; s42 decided 4 Apr (on time); closed 30 Jun 23:30: not asked, no risk
       identified and no action taken
    G  received Fri 1 May; no further action 20 May (late: due by 6 May)
    C  received 15 May; s42 decided 16 May (on time); closed 20 Jun: asked and expressed,
       fully achieved, risk identified and action taken, risk reduced
    Dd received 10 Jun; other enquiry decided 11 Jun (on time); open at the end (strategy)
    F  received 25 Jun; s42 decided 2 Jul (after): waiting at the end
    E  received 29 Jun; still waiting
    H  received 1 Mar; s42 decided 2 Mar; strategy 10 Mar (stage enquiry); plan 5 Jul: at
       the end its stage was enquiry (planning now)

    By month (received, decided, on time, s42 started, other started, concluded):
    Apr 2, 3, 3, 2, 0, 0; May 2, 2, 1, 1, 0, 0; Jun 3, 1, 1, 0, 1, 2; total 7, 6, 5, 3, 1, 2.
    At 30 June: 2 concerns waiting (E, F); 3 enquiries open: strategy 2 (A, Dd), enquiry 1 (H).
    """
    team, officer, by = safeguarding_team, enquiry_officer, practitioner

    def concern(name, when, **extra):
        return raise_at(adult(name), team, by, when, **extra)

    a = concern("Ann", at(2026, 3, 31, 23, 30))
    enquiry_a = decide_at(a, sam, officer, at(2026, 4, 1, 10))
    b = concern("Bob", at(2026, 4, 1, 0, 30))
    no_further_action_at(b, sam, at(2026, 4, 2, 10))
    i = concern("Ida", at(2026, 4, 3, 10))
    enquiry_i = decide_at(i, sam, officer, at(2026, 4, 4, 10))
    g = concern("Gil", at(2026, 5, 1, 10))
    no_further_action_at(g, sam, at(2026, 5, 20, 10))
    c = concern("Cat", at(2026, 5, 15, 10))
    enquiry_c = decide_at(c, sam, officer, at(2026, 5, 16, 10))
    d = concern("Dot", at(2026, 6, 10, 10))
    decide_at(d, sam, officer, at(2026, 6, 11, 10), kind="other")
    f = concern("Fin", at(2026, 6, 25, 10))
    decide_at(f, sam, officer, at(2026, 7, 2, 10))
    concern("Eli", at(2026, 6, 29, 10))
    h = concern("Hal", at(2026, 3, 1, 10))
    enquiry_h = decide_at(h, sam, officer, at(2026, 3, 2, 10))
    with time_machine.travel(at(2026, 3, 10, 10), tick=False):
        record(enquiry_h, "strategy", sam)
    with time_machine.travel(at(2026, 7, 5, 10), tick=False):
        for step in ("msp", "findings", "plan"):
            record(enquiry_h, step, sam)

    conclude_at(
        enquiry_c,
        sam,
        at(2026, 6, 20, 10),
        msp=msp("asked_expressed", "no"),
        outcome=outcome(True, "reduced", "fully"),
    )
    conclude_at(
        enquiry_i,
        sam,
        at(2026, 6, 30, 23, 30),
        msp=msp("not_asked", "no"),
        outcome=outcome(False, "", found="not_identified"),
    )
    conclude_at(enquiry_a, sam, at(2026, 7, 1, 0, 30))
    return {"names": ["Ann", "Bob", "Ida", "Gil", "Cat", "Dot", "Fin", "Eli", "Hal"]}


def more_safeguarding(team, sam, officer, by, count=6):  # noqa: F811
    """More concerns and enquiries in May 2026, for the query budget."""
    for n in range(count):
        concern = raise_at(adult(f"More{n}"), team, by, at(2026, 5, 3 + n, 10))
        enquiry = decide_at(concern, sam, officer, at(2026, 5, 4 + n, 10), kind="s42" if n % 2 else "other")
        if n % 3 == 0:
            conclude_at(
                enquiry,
                sam,
                at(2026, 6, 1 + n, 10),
                msp=msp("asked_expressed", "no"),
                outcome=outcome(True, "removed", "partially"),
            )


# --- AMHP -----------------------------------------------------------------------------------


def add_amhp(team, lead, name, approvals):
    """An AMHP on the register with the approvals given as (approved_on, expires_on, ended_on)."""
    user = make_amhp(team, name=name, email=f"{name.lower()}@example.org", by=lead)
    profile = AmhpProfile.objects.get(user=user)
    profile.approvals.all().delete()
    for approved_on, expires_on, ended_on in approvals:
        Approval.objects.create(
            amhp=profile, approved_on=approved_on, expires_on=expires_on, ended_on=ended_on, approved_by=lead
        )
    return profile


def shift_on(pattern, day, *profiles, removed=()):
    shift = Shift.objects.create(
        team=pattern.team,
        pattern=pattern,
        date=day,
        starts_at=at(day.year, day.month, day.day, 9),
        ends_at=at(day.year, day.month, day.day, 17),
        minimum_amhps=pattern.minimum_amhps,
    )
    for profile in profiles:
        ShiftAssignment.objects.create(shift=shift, amhp=profile, assigned_by=profile.user)
    for profile in removed:
        ShiftAssignment.objects.create(
            shift=shift,
            amhp=profile,
            assigned_by=profile.user,
            removed_at=timezone.now(),
            removed_by=profile.user,
        )
    return shift


@pytest.fixture
def amhp_world(amhp_team, amhp_lead, amhp_user, locum_amhp):  # noqa: F811
    """Requests (received -> assessed, hours, outcome), all "in the community":

    R1 31 Mar 23:00 -> 1 Apr 02:00, 3 h, s2   (the request is before the period)
    R2  5 Apr 10:00 -> 5 Apr 16:00, 6 h, s3
    R3 10 May 09:00 -> 10 May 11:00, 2 h, no further action
    R4 20 May 08:00 -> 21 May 08:00, 24 h, informal
    R5 30 Jun 23:30 -> 1 Jul 01:00 (the assessment is after the period)
    R6 12 Jun 10:00, not assessed

    Requests: Apr 1, May 2, Jun 2 (5). Assessments: Apr 2 (median 4.5 h), May 2 (median 13 h),
    Jun 0; period median of 3, 6, 2, 24 = 4.5 h. Outcomes: s2 1, s3 1, informal 1, nfa 1.

    Rota (day shifts 09:00-17:00, minimum 2 AMHPs):
    31 Mar nobody (before); 1 Apr Asha and Luca (covered); 2 Apr Asha, Luca removed (gap 1,
    8 h); 15 Jun Asha and Ex, whose approval ended on 1 June (gap 1, 8 h); 30 Jun nobody
    (gap 2, 16 h); 1 Jul nobody (after). April: 2 shifts, 1 gap, 8 h; June 2, 2, 24 h; total
    4, 3, 32 h.

    Register at 30 June: valid Asha, Luca, Soon (expires 31 Aug 2026), Renewed (expires 30 Sep,
    renewal from 1 Oct recorded): 4; not Ex (ended), not Future (approved 10 Jul). Ending by
    30 Dec 2026 with no renewal: 1 (Soon).
    """
    team, lead = amhp_team, amhp_lead

    def request(received, assessed=None, result="s2"):
        made = receive(team, lead, received, status="community")
        if assessed:
            assess(made, amhp_user, lead, assessed, outcome=result)
        return made

    request(at(2026, 3, 31, 23), at(2026, 4, 1, 2), "s2")
    request(at(2026, 4, 5, 10), at(2026, 4, 5, 16), "s3")
    request(at(2026, 5, 10, 9), at(2026, 5, 10, 11), "nfa")
    request(at(2026, 5, 20, 8), at(2026, 5, 21, 8), "informal")
    request(at(2026, 6, 30, 23, 30), at(2026, 7, 1, 1), "nfa")
    request(at(2026, 6, 12, 10))

    asha, luca = (AmhpProfile.objects.get(user=u) for u in (amhp_user, locum_amhp))
    ex = add_amhp(team, lead, "Ex", [(D(2022, 1, 1), D(2026, 12, 31), D(2026, 6, 1))])
    add_amhp(team, lead, "Soon", [(D(2021, 9, 1), D(2026, 8, 31), None)])
    add_amhp(
        team,
        lead,
        "Renewed",
        [(D(2021, 10, 1), D(2026, 9, 30), None), (D(2026, 10, 1), D(2031, 9, 30), None)],
    )
    add_amhp(team, lead, "Future", [(D(2026, 7, 10), D(2031, 7, 9), None)])
    pattern = ShiftPattern.objects.create(
        team=team,
        name="Day",
        kind=ShiftKind.WEEKDAY_DAY,
        applies_on=ShiftPattern.AppliesOn.EVERY_DAY,
        starts_at=datetime.time(9),
        ends_at=datetime.time(17),
        minimum_amhps=2,
    )
    shift_on(pattern, D(2026, 3, 31))
    shift_on(pattern, D(2026, 4, 1), asha, luca)
    shift_on(pattern, D(2026, 4, 2), asha, removed=[luca])
    shift_on(pattern, D(2026, 6, 15), asha, ex)
    shift_on(pattern, D(2026, 6, 30))
    shift_on(pattern, D(2026, 7, 1))
    return {"pattern": pattern, "asha": asha, "luca": luca}


def more_amhp(team, lead, amhp, pattern, asha, count=6):
    for n in range(count):
        request = receive(team, lead, at(2026, 5, 2 + n, 9), status="community")
        assess(request, amhp, lead, at(2026, 5, 2 + n, 12), outcome="nfa")
        shift_on(pattern, D(2026, 5, 2 + n), asha)


# --- Finance ----------------------------------------------------------------------------------


K = 1000


@pytest.fixture
def finance_world(
    finance_defaults, budget, amh, opmh, council, trust, finance_officer, north_team, practitioner, manager
):  # noqa: F811
    """Budget 2026/27 (pounds): AMH residential 2,178k, nursing 544k, health contributions
    -22k, client contributions -396k; OPMH residential 1,339k, client contributions -852k;
    inflation 318k. Service lines 2,791k (AMH 2,304k, OPMH 487k); adjusted 3,109k.

    Snapshots (ISP, forecast) in £k: Apr (30 Apr) and May (31 May) and Q1 (30 Jun) and Jul
    (31 Jul, after the period):
                 Apr            May           Q1             Jul
    AMH res   2195/2178     2200/2190     2224/2212      2300/2300
    AMH nur    548/544       500/500       489/486        489/486
    AMH cli   -440/-396     -430/-396     -422/-396      -422/-396
    OPMH res  1293/1339     1350/1400     1397/1428      1400/1430
    OPMH cli  -979/-852     -979/-852     -979/-852      -979/-852
    inflation  318/318       318/318       318/318        318/318
    prior        0/0           0/0           0/75           0/75

    At Q1 (periods Apr and Q1): service lines ISP 2,709k (82k under budget; Apr 2,617k, so up
    92k); adjusted forecast 3,271k (162k overspend; Apr 3,131k, so up 140k).
    AMH: expenditure ISP 2,713k (Apr 2,743k: down 30k); ISP after income 2,291k (13k under
    budget); forecast 2,302k (2k underspend). OPMH: expenditure 1,397k (Apr 1,293k: up 104k);
    ISP after income 418k (69k under); forecast 576k (89k overspend).

    Staffing: council budget 210k, adjusted 200k, forecast 190k, actuals Apr 15k, May 16k, Jun
    17k, Jul 18k; trust 100k, 100k, 120k, actual Apr 9k. At 30 June (3 months): to date 50k +
    25k = 75k, actual 48k + 9k = 57k, variance -10k + 20k = +10k.

    Risk share (proportional, 3,000k : 1,000k): care 3,271k - 3,109k = 162k, staffing +10k:
    172k, council 129k, trust 43k.

    AMH residential packages: P1 £700 a week from 1 Apr 2026; P2 £900 from 15 May, ended 10
    Jun. At 30 Apr 1 (£700), 31 May 2 (£800 average), 30 Jun 1 (£700).
    """
    L = {
        "amh_res": line(budget, amh, CareType.RESIDENTIAL),
        "amh_nur": line(budget, amh, CareType.NURSING),
        "amh_health": line(budget, amh, IncomeType.HEALTH_CONTRIBUTIONS),
        "amh_cli": line(budget, amh, IncomeType.CLIENT_CONTRIBUTIONS),
        "opmh_res": line(budget, opmh, CareType.RESIDENTIAL),
        "opmh_cli": line(budget, opmh, IncomeType.CLIENT_CONTRIBUTIONS),
        "inflation": line(budget, None, AdjustmentKind.INFLATION),
        "prior": line(budget, None, AdjustmentKind.PRIOR_YEAR),
    }
    set_amounts(
        budget,
        {
            L["amh_res"]: 2178 * K,
            L["amh_nur"]: 544 * K,
            L["amh_health"]: -22 * K,
            L["amh_cli"]: -396 * K,
            L["opmh_res"]: 1339 * K,
            L["opmh_cli"]: -852 * K,
            L["inflation"]: 318 * K,
        },
    )
    # (ISP, forecast) in £k at Apr, May, Q1 and Jul, as the docstring's table.
    figures_k = {
        "amh_res": ((2195, 2178), (2200, 2190), (2224, 2212), (2300, 2300)),
        "amh_nur": ((548, 544), (500, 500), (489, 486), (489, 486)),
        "amh_cli": ((-440, -396), (-430, -396), (-422, -396), (-422, -396)),
        "opmh_res": ((1293, 1339), (1350, 1400), (1397, 1428), (1400, 1430)),
        "opmh_cli": ((-979, -852), (-979, -852), (-979, -852), (-979, -852)),
        "inflation": ((318, 318), (318, 318), (318, 318), (318, 318)),
        "prior": ((0, 0), (0, 0), (0, 75), (0, 75)),
    }
    days = (("Apr", D(2026, 4, 30)), ("May", D(2026, 5, 31)), ("Q1", D(2026, 6, 30)), ("Jul", D(2026, 7, 31)))
    for n, (label, as_of) in enumerate(days):
        make_snapshot(budget, as_of, label, {L[k]: (v[n][0] * K, v[n][1] * K) for k, v in figures_k.items()})

    for partner, amounts, actuals in (
        (council, (210, 200, 190), (15, 16, 17, 18)),
        (trust, (100, 100, 120), (9,)),
    ):
        staffing = StaffingLine.objects.create(
            budget=budget,
            partner=partner,
            group="AMH",
            budget_amount=Decimal(amounts[0] * K),
            adjusted_budget=Decimal(amounts[1] * K),
            forecast=Decimal(amounts[2] * K),
        )
        for month, amount in enumerate(actuals, start=4):
            StaffingActual.objects.create(
                line=staffing,
                month=D(2026, month, 1),
                amount=Decimal(amount * K),
                recorded_by=finance_officer,
            )

    def case():
        return open_case(PersonFactory(), north_team, practitioner, manager)

    make_package(
        case=case(), budget_line=L["amh_res"], weekly_cost="700", started_on=D(2026, 4, 1), by=practitioner
    )
    make_package(
        case=case(),
        budget_line=L["amh_res"],
        weekly_cost="900",
        started_on=D(2026, 5, 15),
        ended_on=D(2026, 6, 10),
        by=practitioner,
    )
    return {"lines": L, "case": case}


def more_packages(world, practitioner, count=6):
    for n in range(count):
        make_package(
            case=world["case"](),
            budget_line=world["lines"]["amh_res"],
            weekly_cost=str(500 + 100 * n),
            started_on=D(2026, 4, 2 + n),
            by=practitioner,
        )
