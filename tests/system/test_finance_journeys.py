"""The Section 75 money journey of issue 7, in the browser: the finance officer sets up the
2026/27 pooled budget; the practitioner requests a residential package for Amira Okafor
(funding shares that do not add up to 100 are refused first); the team manager records the
funding panel's approval (a level too low for the weekly cost is refused first) and the
start; the month-end job takes its snapshots; a cost change from November is recorded in
October; and the variance table on screen matches figures worked out here from the weekly
costs and the days. The staffing table, risk share, snapshots, deep dive pages and the
package list are visited too. axe-core checks every page.

Time travel (as in test_care_act_journeys): the whole test runs on fixed days of 2026/27,
so it passes whatever today's date is. The clock starts before any fixture writes (the
autouse `clock` fixture), so memberships, cases and relationships begin on the travelled
day. Each person signs out before the clock moves on.

The month-end snapshots: the beat job `finance.tasks.take_month_end_snapshots` is run with
`.apply()` at 23:30 on the month's last day, as beat would run it. `.apply()` runs the task
in this process whatever the broker settings (tests run Celery eagerly without REDIS_URL,
but `.apply()` does not depend on that), and with no argument the task uses today in
London, so the travelled clock decides the month end as it would in production.
"""

import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from finance.models import CarePackage, PackageStatus, PooledBudget, Snapshot
from finance.tasks import take_month_end_snapshots
from tests.system.conftest import assert_accessible, screenshot, sign_in, sign_out, url
from tests.system.finance_fixtures import *  # noqa: F403  (the finance fixtures)
from tests.system.finance_fixtures import (
    ADJUSTMENTS,
    AMH_INCOME,
    AMH_LINES,
    CONTRIBUTIONS,
    COST_CHANGE_DAY,
    NEW_COST_FROM,
    OCT_END,
    OPMH_INCOME,
    OPMH_LINES,
    Q2_END,
    SET_UP_DAY,
    STAFFING,
    TABLES_DAY,
    add_staffing_actuals,
    expected_tables,
    from_pence,
    money,
    pence,
    shown,
)

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


@pytest.fixture(autouse=True)
def clock():
    """Starts before the other fixtures, so everything is written on the set-up day."""
    with time_machine.travel(at(SET_UP_DAY), tick=True) as traveller:
        yield traveller


# --- Page helpers ---------------------------------------------------------------------------


def h1(page):
    return page.get_by_role("heading", level=1)


def group(page, legend: str):
    return page.get_by_role("group", name=legend, exact=True)


def fill_date(page, legend: str, day: datetime.date):
    dates = group(page, legend)
    dates.get_by_label("Day").fill(str(day.day))
    dates.get_by_label("Month").fill(str(day.month))
    dates.get_by_label("Year").fill(str(day.year))


def error_summary(page):
    return page.locator(".govuk-error-summary")


def no_errors(page):
    if error_summary(page).count():
        raise AssertionError(error_summary(page).inner_text())


def check_page(page, name: str, context: str):
    """Every page visited passes axe; each is photographed when SYSTEM_TEST_SCREENS is set."""
    assert_accessible(page, context=context)
    screenshot(page, name)


_TABLE_OF = """(caption) => {
    const found = document.getElementById(caption)
        || [...document.querySelectorAll('caption')].find((c) => c.innerText.trim() === caption);
    return found.closest('table');
}"""


def table_rows(page, caption: str, part: str = "tbody") -> list[list[str]]:
    """The text of each row's cells (th and td), of the table whose caption has this id or
    this text; `part` "thead" gives the header rows."""
    return page.evaluate(
        f"""([caption, part]) => [...({_TABLE_OF})(caption).querySelectorAll(part + ' tr')]
            .map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.innerText.trim()))""",
        [caption, part],
    )


def read_table(page, caption: str) -> dict[str, list[str]]:
    """Row heading -> the other cells, leaving out heading-only rows."""
    return {cells[0]: cells[1:] for cells in table_rows(page, caption) if len(cells) > 1}


# --- The steps --------------------------------------------------------------------------------


def set_up_budget(page, live_server, finance_officer) -> PooledBudget:
    """The finance officer sets up 2026/27: contributions, then every line's amount."""
    sign_in(page, live_server, finance_officer)
    check_page(page, "f01-finance-officer-home", "finance officer's home page")
    page.get_by_role("link", name="Section 75 money", exact=True).first.click()
    expect(h1(page)).to_have_text("Section 75 money")
    expect(page.get_by_role("link", name="2025/26", exact=True)).to_be_visible()
    check_page(page, "f02-section-75-money", "Section 75 money home")

    page.get_by_role("link", name="Set up a budget for Northshire mental health Section 75").click()
    expect(h1(page)).to_have_text("Set up the pooled budget for a year")
    check_page(page, "f03-budget-create", "set up a budget")
    year = page.get_by_label("Financial year")
    expect(year.locator("option", has_text="2025/26 (already set up)")).to_have_count(1)
    # No year chosen yet: refused, and the contributions typed stay.
    for partner, amount in CONTRIBUTIONS.items():
        page.get_by_label(f"Contribution from {partner} (£)").fill(amount)
    page.get_by_role("button", name="Set up the budget").click()
    expect(error_summary(page)).to_contain_text("Select the financial year")
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_label("Contribution from Northshire County Council (£)")).to_have_value("4,000,000")
    check_page(page, "f04-budget-create-error", "set up a budget, with an error")
    year.select_option(label="2026/27")
    page.get_by_role("button", name="Set up the budget").click()
    no_errors(page)

    expect(h1(page)).to_have_text("2026/27 budget lines and contributions")
    expect(page.get_by_text("The 2026/27 budget was set up. Enter the budget for each line.")).to_be_visible()
    check_page(page, "f05-budget-lines-empty", "budget lines, all at 0")
    for name, amount in AMH_LINES.items():
        page.get_by_label(f"The budget for AMH {name} (£)", exact=True).fill(amount)
    for name, amount in AMH_INCOME.items():
        page.get_by_label(f"The income expected from AMH {name} (£)", exact=True).fill(amount)
    for name, amount in OPMH_LINES.items():
        page.get_by_label(f"The budget for OPMH {name} (£)", exact=True).fill(amount)
    for name, amount in OPMH_INCOME.items():
        page.get_by_label(f"The income expected from OPMH {name} (£)", exact=True).fill(amount)
    # A typing slip first: refused beside the line, nothing saved.
    page.get_by_label("The budget for inflation (£)", exact=True).fill("12O,000")
    page.get_by_role("button", name="Save the budget lines").click()
    expect(error_summary(page)).to_contain_text("Enter the budget for inflation as an amount in pounds")
    expect(page.get_by_label("The budget for AMH residential (£)", exact=True)).to_have_value("1,200,000")
    check_page(page, "f06-budget-lines-error", "budget lines, with an error")
    for name, amount in ADJUSTMENTS.items():
        page.get_by_label(f"The budget for {name} (£)", exact=True).fill(amount)
    page.get_by_role("button", name="Save the budget lines").click()
    no_errors(page)

    expect(h1(page)).to_have_text("2026/27 pooled budget")
    expect(page.get_by_text("The 2026/27 budget lines were saved.")).to_be_visible()
    totals = read_table(page, "Totals")
    assert {key: totals[key] for key in ("Expenditure", "Income", "Other finance adjustments")} == {
        "Expenditure": ["4,600,000"],
        "Income": ["\u2212550,000"],
        "Other finance adjustments": ["150,000"],
    }
    assert totals["Contributions"] == ["5,620,000"]
    # No staffing yet: the lines fall short of the contributions, and the page says so.
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        "the lines are £1,420,000.00 less than the contributions"
    )
    amh = read_table(page, "Adult mental health (working age) (AMH)")
    assert amh["Residential"] == ["1,200,000", "Northshire County Council"]
    assert amh["Health contributions"] == ["\u2212300,000", "Northshire County Council"]
    assert amh["Total"] == ["2,550,000", ""]
    check_page(page, "f07-budget-detail-no-staffing", "the 2026/27 budget, no staffing yet")

    page.get_by_role("link", name="Add staffing lines").click()
    expect(h1(page)).to_have_text("Staffing lines")
    check_page(page, "f08-staffing-lines-empty", "staffing lines, none yet")
    for partner, group_name, amount, adjusted, forecast, _ in STAFFING:
        page.get_by_label("Partner", exact=True).select_option(label=partner)
        page.get_by_label("Group", exact=True).fill(group_name)
        page.get_by_label("Budget (£)", exact=True).fill(amount)
        page.get_by_label("Adjusted budget (£)", exact=True).fill(adjusted)
        page.get_by_label("Forecast (£)", exact=True).fill(forecast)
        page.get_by_role("button", name="Save staffing lines").click()
        no_errors(page)
        expect(page.get_by_text(f"The staffing line {partner} {group_name} was added.")).to_be_visible()
    check_page(page, "f09-staffing-lines", "staffing lines, three added")
    page.get_by_role("link", name="Back to the budget").click()
    expect(h1(page)).to_have_text("2026/27 pooled budget")
    totals = read_table(page, "Totals")
    assert totals["Staffing (adjusted budgets)"] == ["1,420,000"]
    assert totals["Pool total less contributions"] == ["0"]
    expect(page.locator(".govuk-warning-text")).to_have_count(0)  # the lines match the contributions
    check_page(page, "f10-budget-detail", "the 2026/27 budget")
    sign_out(page, live_server)
    return PooledBudget.objects.get(year=2026)


def request_package(page, live_server, practitioner, person) -> CarePackage:
    """The practitioner asks the funding panel for a residential placement from Amira's page."""
    sign_in(page, live_server, practitioner)
    page.goto(url(live_server, reverse("cases:person_detail", args=[person.pk])))
    expect(h1(page)).to_have_text("Amira Okafor")
    panel = page.locator("#care-packages")
    expect(panel).to_have_text("Care packages")
    expect(page.get_by_text("No care packages.")).to_be_visible()
    check_page(page, "f11-person-no-packages", "person page, no packages")
    page.get_by_role("link", name="Request a care package").click()
    expect(h1(page)).to_have_text("Request a care package")
    check_page(page, "f12-package-request", "request a care package")

    page.get_by_label("Service line").select_option(label="Adult mental health (working age)")
    page.get_by_label("Type of care").select_option(label="Residential")
    page.get_by_label("Provider").fill("Riverside Care Ltd")
    page.get_by_label("The needs it meets").fill(
        "Amira cannot manage meals, medication or personal care at home after her discharge; "
        "a residential placement while her recovery plan is put in place."
    )
    fill_date(page, "Planned start date", SET_UP_DAY)
    page.get_by_label("Weekly cost (£)").fill("1,050")
    page.get_by_label("Weekly client contribution (£)").fill("150")
    page.get_by_label("Social care (%)").fill("70")
    page.get_by_label("Health (%)", exact=True).fill("20")
    page.get_by_role("button", name="Send to the funding panel").click()

    expect(error_summary(page)).to_contain_text("The funding shares must add up to 100% (they add up to 90%)")
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_label("Provider")).to_have_value("Riverside Care Ltd")
    expect(page.get_by_label("Weekly cost (£)")).to_have_value("1,050")
    expect(group(page, "Planned start date").get_by_label("Day")).to_have_value(str(SET_UP_DAY.day))
    assert not CarePackage.objects.filter(person=person).exists()
    check_page(page, "f13-package-request-shares-error", "request, shares not adding up to 100")

    page.get_by_label("Social care (%)").fill("80")
    page.get_by_role("button", name="Send to the funding panel").click()
    no_errors(page)
    expect(page.get_by_text(re.compile(r"Care package PKG-\d+ was requested"))).to_be_visible()
    expect(h1(page)).to_have_text("Care package")
    expect(page.locator(".govuk-tag", has_text="Waiting for the funding panel")).to_be_visible()
    # The requester is never the one who records the decision.
    expect(page.get_by_role("link", name="Record the panel's decision")).to_have_count(0)
    expect(page.get_by_text("You requested this package, so a finance officer of the pool")).to_be_visible()
    check_page(page, "f14-package-requested", "package page, requested")
    package = CarePackage.objects.get(person=person)
    page.goto(url(live_server, reverse("finance:package_decide", args=[package.pk])))
    expect(page.get_by_text("You requested this package, so someone else must record")).to_be_visible()
    expect(page.get_by_role("button", name="Save the decision")).to_have_count(0)
    check_page(page, "f15-decide-refused-requester", "decision page, seen by the requester")
    sign_out(page, live_server)
    return package


def decide_and_start(page, live_server, manager, package):
    """The team manager finds the request waiting, records the panel's approval at the level
    the cost needs (a lower one is refused first) and records the start."""
    sign_in(page, live_server, manager)
    page.get_by_role("link", name="1 care package waiting for the funding panel").click()
    expect(h1(page)).to_have_text("Care packages")
    expect(page.locator("caption")).to_have_text("1 care package")
    check_page(page, "f16-packages-waiting", "package list, waiting for the panel")
    page.get_by_role("link", name=f"{package.reference} for Amira Okafor").click()
    page.get_by_role("link", name="Record the panel's decision").click()
    expect(h1(page)).to_have_text("Record the funding panel's decision")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Head of service")  # the level it needs
    check_page(page, "f17-decide", "record the panel's decision")

    group(page, "The panel's decision").get_by_label("Approve", exact=True).check()
    page.get_by_label("Decided by").fill("Dee Hale, Head of Service (panel chair)")
    page.get_by_label("Team manager (up to £800.00 a week)").check()
    page.get_by_label("The panel's reasons").fill(
        "Eligible needs that cannot be met at home for now; the placement is the least costly "
        "option that meets them."
    )
    page.get_by_role("button", name="Save the decision").click()
    expect(error_summary(page)).to_contain_text(
        "A weekly cost of £1,050.00 needs approval at Head of service level or above"
    )
    expect(page.get_by_label("Decided by")).to_have_value("Dee Hale, Head of Service (panel chair)")
    package.refresh_from_db()
    assert package.status == PackageStatus.REQUESTED
    check_page(page, "f18-decide-level-too-low", "decision refused: level too low")

    page.get_by_label("Head of service (up to £1,500.00 a week)").check()
    page.get_by_role("button", name="Save the decision").click()
    no_errors(page)
    expect(page.get_by_text("The funding panel's decision was recorded.")).to_be_visible()
    expect(page.locator(".govuk-tag", has_text="Approved, not started")).to_be_visible()

    page.get_by_role("link", name="Record the start").click()
    expect(h1(page)).to_have_text("Record that the package started")
    expect(group(page, "Date the package started").get_by_label("Day")).to_have_value(str(SET_UP_DAY.day))
    check_page(page, "f19-start", "record the start")
    page.get_by_role("button", name="Record the start").click()
    no_errors(page)
    expect(page.get_by_text("The package has started.")).to_be_visible()
    expect(page.locator(".govuk-tag", has_text="Active")).to_be_visible()
    check_page(page, "f20-package-active", "package page, active")
    package.refresh_from_db()
    assert package.status == PackageStatus.ACTIVE and package.started_on == SET_UP_DAY
    sign_out(page, live_server)


def change_cost(page, live_server, practitioner, person, package):
    """In October the practitioner records a new weekly cost from 1 November."""
    sign_in(page, live_server, practitioner)
    page.goto(url(live_server, reverse("cases:person_detail", args=[person.pk])))
    panel_row = page.locator("#care-packages ~ table tbody tr").first
    expect(panel_row).to_contain_text("Active")
    expect(panel_row).to_contain_text("£1,050.00")
    check_page(page, "f21-person-package-active", "person page, package active")
    page.get_by_role("link", name=f"Residential package {package.reference}").click()
    page.get_by_role("link", name="Change the cost").click()
    expect(h1(page)).to_have_text("Change the cost")
    check_page(page, "f22-cost-change", "change the cost")
    fill_date(page, "Date the new cost takes effect", NEW_COST_FROM)
    page.get_by_label("Weekly cost (£)").fill("1190")
    page.get_by_label("Why the cost changed").fill(
        "The home's fee for one-to-one support at night, agreed with the provider."
    )
    page.get_by_role("button", name="Save the new cost").click()
    no_errors(page)
    expect(page.get_by_text("The new cost was recorded.")).to_be_visible()
    versions = table_rows(page, "Cost versions")
    assert [v[:2] for v in versions] == [["14 Sep 2026\nIn force", "£1,050.00"], ["1 Nov 2026", "£1,190.00"]]
    check_page(page, "f23-package-new-cost", "package page with the new cost")
    sign_out(page, live_server)


def budget_tables(page, live_server, budget):
    """The finance officer reads the variance: first in £ thousands with the default periods,
    then in pounds with Q2 and Oct chosen; every figure matches the independent sums."""
    expected = expected_tables()
    page.get_by_role("link", name="Section 75 money", exact=True).first.click()
    page.get_by_role("link", name="2026/27", exact=True).click()
    expect(h1(page)).to_have_text("2026/27 pooled budget")
    page.get_by_role("link", name="Budget tables by period").click()
    expect(h1(page)).to_have_text("Care packages: budget, commitment and forecast")
    expect(page.get_by_text("Showing Q2, Oct.")).to_be_visible()
    check_page(page, "f30-budget-tables-k", "budget tables, £ thousands")
    assert table_rows(page, "caption-amh", "thead")[0] == [
        "AMH activity",
        "Budget",
        "Q2",
        "Oct",
        "Variance",
        "Change from Q2",
    ]
    amh_k = read_table(page, "caption-amh")
    assert amh_k["Residential"] == [shown(v, "k") for v in expected["amh"]["Residential"]]
    assert amh_k["Total"] == [shown(v, "k") for v in expected["amh"]["Total"]]

    page.get_by_text("Choose the periods").click()
    periods = group(page, "Periods to show")
    expect(periods.get_by_label("Q2 (30 Sep 2026)")).to_be_checked()
    expect(periods.get_by_label("Oct (31 Oct 2026)")).to_be_checked()
    expect(periods.get_by_label("Aug (31 Aug 2026)")).to_have_count(0)
    # None ticked is refused, with the choice kept open.
    periods.get_by_label("Q2 (30 Sep 2026)").uncheck()
    periods.get_by_label("Oct (31 Oct 2026)").uncheck()
    page.get_by_role("button", name="Show these periods").click()
    expect(error_summary(page)).to_contain_text("Select at least one period to show")
    check_page(page, "f31-budget-tables-no-period", "budget tables, no period chosen")
    periods = group(page, "Periods to show")
    periods.get_by_label("Q2 (30 Sep 2026)").check()
    periods.get_by_label("Oct (31 Oct 2026)").check()
    group(page, "Show figures in").get_by_label("Pounds").check()
    page.get_by_role("button", name="Show these periods").click()
    no_errors(page)
    expect(page.get_by_text("Showing Q2, Oct.")).to_be_visible()
    expect(page.locator("#caption-amh")).to_contain_text("in pounds")
    check_page(page, "f32-budget-tables-pounds", "budget tables, pounds, Q2 and Oct")

    amh = read_table(page, "caption-amh")
    for label, figures in expected["amh"].items():
        assert amh[label] == [shown(v) for v in figures], label
    summary = read_table(page, "caption-summary")
    for label, figures in expected["summary"].items():
        assert summary[label] == [shown(v) for v in figures], label
    # Spelled out for a reader: the residential line and its variance.
    assert amh["Residential"] == [
        "1,200,000",
        "29,850",
        "29,850",
        "29,850",
        "32,870",
        "\u22121,170,150",
        "\u22121,167,130",
        "0",
        "3,020",
    ]


def other_tables(page, live_server, budget):
    """Staffing, risk share and snapshots (with a snapshot taken now)."""
    page.get_by_role("navigation", name="Budget tables").get_by_role("link", name="Staffing").click()
    expect(h1(page)).to_have_text("Staffing budget")
    expect(page.get_by_label("Position at the end of")).to_have_value(OCT_END.isoformat())
    check_page(page, "f33-staffing-table", "staffing table")
    staffing = page.locator("table").first
    expect(staffing).to_contain_text("483,000")  # council AP actuals, April to October

    page.get_by_role("navigation", name="Budget tables").get_by_role("link", name="Risk share").click()
    expect(h1(page)).to_have_text("Risk share")
    expect(page.get_by_label("Snapshot")).to_have_value(str(Snapshot.objects.get(label="Oct").pk))
    check_page(page, "f34-risk-share", "risk share")
    # The variance shared: the care packages' adjusted total forecast minus their budget at Oct,
    # plus the staffing forecast minus the adjusted staffing budget; in pounds and pence.
    care = expected_tables()["summary"]["Adjusted total"][6]
    staffing_variance = sum((money(f) - money(a) for _, _, _, a, f, _ in STAFFING), Decimal("0"))
    total = care + staffing_variance
    variance = read_table(page, "caption-variance")
    assert variance["Care packages at Oct (31 Oct 2026)"][2] == pence(care)
    assert variance["Staffing"][2] == pence(staffing_variance)
    assert variance["Total"][2] == pence(total)
    # In proportion to the contributions: each share within a penny of its exact share, and
    # the shares add up to the total exactly.
    shares = read_table(page, "caption-shares")
    contributed = sum((money(v) for v in CONTRIBUTIONS.values()), Decimal("0"))
    for partner, contribution in CONTRIBUTIONS.items():
        share = from_pence(shares[partner][-1])
        assert abs(share - total * money(contribution) / contributed) < Decimal("0.01"), partner
    assert sum(from_pence(shares[partner][-1]) for partner in CONTRIBUTIONS) == total
    assert shares["Total"][-1] == pence(total)

    page.get_by_role("navigation", name="Budget tables").get_by_role("link", name="Snapshots").click()
    expect(h1(page)).to_have_text("Snapshots")
    expect(page.locator("caption")).to_have_text("2 snapshots")
    check_page(page, "f35-snapshots", "snapshot list")
    page.get_by_role("button", name="Take a snapshot of today (2 Nov 2026)").click()
    no_errors(page)
    expect(page.get_by_text("Snapshot 2 Nov taken")).to_be_visible()
    expect(page.locator("caption")).to_have_text("3 snapshots")
    page.get_by_label("Kind").select_option(label="Taken on demand")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("caption")).to_have_text("1 snapshot")
    check_page(page, "f36-snapshots-filtered", "snapshot list, on demand only")
    assert Snapshot.objects.filter(budget=budget).count() == 3


def deep_dive(page, live_server, budget, package, carried_over):
    page.goto(url(live_server, reverse("finance:budget_detail", args=[budget.pk])))
    page.get_by_role("link", name="Deep dive").click()
    expect(h1(page)).to_have_text("The 10 most expensive live packages")
    references = page.locator("#deep-dive-caption").locator("xpath=..").locator("tbody th")
    expect(references).to_have_text(
        [carried_over["live_in"].reference, package.reference, carried_over["nursing"].reference]
    )
    check_page(page, "f40-deep-dive-top", "deep dive, top 10")

    nav = page.get_by_role("navigation", name="Deep dive")
    nav.get_by_role("link", name="High-cost reviews").click()
    expect(h1(page)).to_have_text("High-cost packages not reviewed recently")
    expect(page.locator("#deep-dive-caption").locator("xpath=..").locator("tbody th")).to_have_text(
        [carried_over["live_in"].reference]
    )
    check_page(page, "f41-deep-dive-high-cost", "deep dive, high-cost reviews")
    page.get_by_label("Weekly cost at least (£)").fill("")
    page.get_by_role("button", name="Apply filters").click()
    expect(error_summary(page)).to_contain_text("Enter a weekly cost in pounds, like 1000")
    check_page(page, "f42-deep-dive-high-cost-error", "deep dive, high-cost filter error")

    page.get_by_role("navigation", name="Deep dive").get_by_role("link", name="Live-in care").click()
    expect(h1(page)).to_have_text("Live-in care packages")
    expect(page.get_by_text("1 package.")).to_be_visible()
    check_page(page, "f43-deep-dive-live-in", "deep dive, live-in")

    page.get_by_role("navigation", name="Deep dive").get_by_role("link", name="Trends").click()
    expect(h1(page)).to_have_text("Package numbers and unit cost")
    chart = page.locator(".app-chart-wrapper svg")
    expect(chart).to_have_count(1)
    expect(chart).to_have_attribute("role", re.compile("img|figure|graphics-document"))
    check_page(page, "f44-deep-dive-trend", "deep dive, trend with chart")


def package_list(page, live_server, package):
    page.get_by_role("link", name="Care packages", exact=True).first.click()
    expect(h1(page)).to_have_text("Care packages")
    expect(page.locator("caption")).to_have_text("3 care packages")
    check_page(page, "f50-package-list", "package list")
    page.get_by_label("Type of care").select_option(label="Residential")
    page.get_by_label("Service line").select_option(label="AMH")
    page.get_by_label("Status").select_option(label="Active")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("caption")).to_have_text("1 care package")
    expect(page.locator("tbody tr").first).to_contain_text("£1,190.00")  # the cost in force today
    check_page(page, "f51-package-list-filtered", "package list, filtered")
    page.get_by_label("Provider").fill("Nowhere Homes")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("There are no care packages with these filters.")).to_be_visible()
    check_page(page, "f52-package-list-none", "package list, nothing matches")
    page.get_by_role("link", name="Clear filters").click()
    expect(page.locator("caption")).to_have_text("3 care packages")
    page.get_by_role("link", name=f"{package.reference} for Amira Okafor").click()
    expect(h1(page)).to_have_text("Care package")
    expect(page.get_by_text("Head of service").first).to_be_visible()
    check_page(page, "f53-package-finance-view", "package page, finance officer's view")


# --- The journey ------------------------------------------------------------------------------


def test_budget_package_snapshot_variance(
    page,
    live_server,
    clock,
    finance_officer,
    practitioner,
    manager,
    person,
    allocated_case,
    agreement,
    carried_over,
):
    budget = set_up_budget(page, live_server, finance_officer)
    package = request_package(page, live_server, practitioner, person)
    decide_and_start(page, live_server, manager, package)

    # 30 September, 23:30: beat's month-end job. Its catch-up of 31 August (the previous
    # month end) skips this budget, which was set up in September.
    clock.move_to(at(Q2_END, 23, 30))
    assert take_month_end_snapshots.apply().get() == 1
    assert set(Snapshot.objects.filter(budget=budget).values_list("label", flat=True)) == {"Q2"}

    clock.move_to(at(COST_CHANGE_DAY))
    change_cost(page, live_server, practitioner, person, package)

    clock.move_to(at(OCT_END, 23, 30))
    assert take_month_end_snapshots.apply().get() == 1  # 30 September is there already

    clock.move_to(at(TABLES_DAY))
    add_staffing_actuals(
        budget, months=[datetime.date(2026, month, 1) for month in range(4, 11)], by=finance_officer
    )
    sign_in(page, live_server, finance_officer)
    budget_tables(page, live_server, budget)
    other_tables(page, live_server, budget)
    deep_dive(page, live_server, budget, package, carried_over)
    package_list(page, live_server, package)
