"""Care package services: request, panel decision, start, cost change, end, withdraw,
review; who may take each step, the authorisation level rules and the refusals."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Organisation, Role, ServiceLine
from cases import services as case_services
from cases.services import DomainError, StaleEdit
from finance.models import (
    AuthorisationLevel,
    CarePackage,
    CareType,
    IncomeType,
    PackageCost,
    PackageStatus,
    PanelDecision,
    PanelOutcome,
)
from finance.selectors_packages import allowed_actions, cost_bands, level_needed
from finance.services import packages as services
from tests.factories import OrganisationFactory, make_member, make_team

from .conftest import line

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)
S = PackageStatus


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)):
        yield TODAY


def level(rank):
    return AuthorisationLevel.objects.get(rank=rank)


def request(case, by, *, budget, amh, care_type=CareType.DOMICILIARY, **overrides):
    values = {
        "case": case,
        "care_type": care_type,
        "provider": "Riverside Care Ltd",
        "budget_line": line(budget, amh, care_type),
        "needs_summary": "Help with washing, dressing and meals each morning",
        "planned_start": datetime.date(2026, 12, 1),
        "planned_end": None,
        "weekly_cost": Decimal("650"),
        "client_contribution": Decimal("40"),
        "shares": {"social_care": 80, "health": 20},
        "by": by,
    }
    values.update(overrides)
    return services.request_package(**values)


def approve(package, by, rank=1, **overrides):
    values = {
        "package": package,
        "outcome": PanelOutcome.APPROVE,
        "decided_on": TODAY,
        "decided_by": "Jo Smith, Head of Service",
        "level": level(rank),
        "reasons": "Eligible needs; the cheapest way to meet them",
        "changes": "",
        "by": by,
    }
    values.update(overrides)
    return services.decide_package(**values)


@pytest.fixture
def requested(allocated_case, practitioner, budget, amh):
    return request(allocated_case, practitioner, budget=budget, amh=amh)


@pytest.fixture
def approved(requested, finance_officer):
    return approve(requested, finance_officer)


@pytest.fixture
def active(approved, practitioner):
    return services.start_package(package=approved, started_on=TODAY, by=practitioner)


@pytest.fixture
def outsider_finance(db):
    """A finance officer of an organisation that is not a partner of the agreement."""
    other = OrganisationFactory(name="Eastshire County Council", kind=Organisation.Kind.COUNCIL)
    team = make_team("Eastshire Finance", other, ServiceLine.FINANCE)
    return make_member(team, Role.FINANCE_OFFICER, full_name="Olly Outsider")


def refused(message):
    return pytest.raises(DomainError, match=re.escape(message))


# --- Request -----------------------------------------------------------------------------


def test_request_makes_a_package_with_a_reference_a_first_cost_and_a_transition(requested, practitioner):
    assert requested.status == S.REQUESTED
    assert requested.reference == f"PKG-{requested.pk:06d}"
    assert requested.team.name == "North Working Age"
    cost = requested.costs.get()
    assert cost.effective_from == datetime.date(2026, 12, 1)
    assert cost.weekly_cost == Decimal("650.00")
    assert cost.client_contribution == Decimal("40.00")
    assert (cost.social_care_share, cost.health_share, cost.chc_share) == (Decimal("80"), Decimal("20"), 0)
    assert cost.recorded_by == practitioner
    transition = requested.transitions.get()
    assert (transition.event, transition.from_status, transition.to_status) == ("requested", "", S.REQUESTED)
    assert transition.actor == practitioner


def test_references_are_unique_and_follow_the_id(allocated_case, practitioner, budget, amh):
    first = request(allocated_case, practitioner, budget=budget, amh=amh)
    second = request(allocated_case, practitioner, budget=budget, amh=amh)
    assert first.reference != second.reference
    assert second.reference == f"PKG-{second.pk:06d}"


def test_a_team_lead_may_request(allocated_case, manager, budget, amh):
    assert request(allocated_case, manager, budget=budget, amh=amh).requested_by == manager


def test_unit_rate_times_units_gives_the_weekly_cost(allocated_case, practitioner, budget, amh):
    package = request(
        allocated_case,
        practitioner,
        budget=budget,
        amh=amh,
        weekly_cost=None,
        unit_rate=Decimal("24.50"),
        units_per_week=Decimal("14"),
    )
    cost = package.costs.get()
    assert cost.weekly_cost == Decimal("343.00")
    assert (cost.unit_rate, cost.units_per_week) == (Decimal("24.50"), Decimal("14.00"))


def test_no_shares_means_all_social_care(allocated_case, practitioner, budget, amh):
    package = request(allocated_case, practitioner, budget=budget, amh=amh, shares=None)
    assert package.costs.get().social_care_share == Decimal("100")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"shares": {"social_care": 60, "health": 30}},
            "The funding shares must add up to 100% (they add up to 90%)",
        ),
        ({"shares": {"social_care": 110, "health": -10}}, "A funding share cannot be negative"),
        ({"weekly_cost": Decimal("0")}, "The weekly cost must be more than £0"),
        ({"weekly_cost": None}, "Enter the weekly cost, or a unit rate and units a week"),
        (
            {"weekly_cost": Decimal("300"), "unit_rate": Decimal("24.50"), "units_per_week": Decimal("14")},
            "The weekly cost (£300.00) must equal the unit rate times the units a week (£343.00)",
        ),
        ({"unit_rate": Decimal("24.50")}, "Enter both the unit rate and the units a week"),
        (
            {"client_contribution": Decimal("700")},
            "The client contribution cannot be more than the weekly cost",
        ),
        ({"weekly_cost": Decimal("650.005")}, "The weekly cost cannot have fractions of a penny"),
        ({"provider": "  "}, "Enter the provider"),
        ({"needs_summary": ""}, "Enter the needs the package meets"),
        (
            {"planned_end": datetime.date(2026, 11, 1)},
            "The planned end date must be on or after the planned start date",
        ),
    ],
)
def test_request_refusals(allocated_case, practitioner, budget, amh, overrides, message):
    with refused(message):
        request(allocated_case, practitioner, budget=budget, amh=amh, **overrides)
    assert not CarePackage.objects.exists()


def test_the_budget_line_must_be_the_expenditure_line_of_the_care_type(
    allocated_case, practitioner, budget, amh
):
    with refused(
        "The budget line is for residential, not domiciliary care: choose the line for the type of care"
    ):
        request(
            allocated_case, practitioner, budget=budget, amh=amh, budget_line=line(budget, amh, "residential")
        )
    with refused("A package is paid from an expenditure line of the pooled budget"):
        request(
            allocated_case,
            practitioner,
            budget=budget,
            amh=amh,
            budget_line=line(budget, amh, IncomeType.CLIENT_CONTRIBUTIONS),
        )


def test_only_the_allocated_worker_or_a_team_lead_may_request(
    allocated_case, north_team, other_worker, budget, amh
):
    colleague = make_member(north_team, Role.PRACTITIONER, full_name="Nia Northteam")
    with refused("Only the allocated worker or a team lead of North Working Age can request a package"):
        request(allocated_case, colleague, budget=budget, amh=amh)
    with refused("Only the allocated worker or a team lead of North Working Age can request a package"):
        request(allocated_case, other_worker, budget=budget, amh=amh)


def test_a_closed_case_cannot_have_a_package_requested(allocated_case, manager, practitioner, budget, amh):
    case = case_services.close_case(case_id=allocated_case.pk, by=manager, reason="Needs met")
    with refused("The case is closed: a package can be requested only on an open case"):
        request(case, practitioner, budget=budget, amh=amh)


# --- Levels --------------------------------------------------------------------------------


def test_level_needed_is_the_lowest_level_that_covers_the_cost(db):
    assert level_needed(Decimal("800")).rank == 1
    assert level_needed(Decimal("800.01")).rank == 2
    assert level_needed(Decimal("1500")).rank == 2
    assert level_needed(Decimal("25000")).rank == 3
    assert [band.label for band in cost_bands()] == [
        "Up to £800 (Team manager)",
        "Over £800, up to £1,500 (Head of service)",
        "Over £1,500 (Joint funding panel (director))",
    ]


# --- Decision ------------------------------------------------------------------------------


def test_finance_approves_at_a_level_that_covers_the_cost(approved, finance_officer):
    assert approved.status == S.APPROVED
    decision = PanelDecision.objects.get(package=approved)
    assert (decision.level.rank, decision.level_needed.rank) == (1, 1)
    assert decision.recorded_by == finance_officer
    transition = approved.transitions.last()
    assert (transition.event, transition.from_status, transition.to_status) == (
        "approved",
        "requested",
        "approved",
    )
    assert transition.reason == "Eligible needs; the cheapest way to meet them"


def test_a_level_below_the_one_the_cost_needs_is_refused(
    allocated_case, practitioner, finance_officer, budget, amh
):
    package = request(allocated_case, practitioner, budget=budget, amh=amh, weekly_cost=Decimal("1200"))
    with refused("A weekly cost of £1,200.00 needs approval at Head of service level or above"):
        approve(package, finance_officer, rank=1)
    assert approve(package, finance_officer, rank=2).status == S.APPROVED
    assert package.panel_decision.level_needed.rank == 2


def test_a_decline_is_not_held_to_the_level(allocated_case, practitioner, trust_finance_officer, budget, amh):
    package = request(allocated_case, practitioner, budget=budget, amh=amh, weekly_cost=Decimal("2000"))
    declined = approve(
        package,
        trust_finance_officer,
        rank=1,
        outcome=PanelOutcome.DECLINE,
        approved_weekly_cost=Decimal("1"),
        reasons="Needs can be met at home",
    )
    assert declined.status == S.DECLINED
    assert declined.panel_decision.level_needed.rank == 3
    assert declined.costs.get().weekly_cost == Decimal("2000")


def test_the_requester_cannot_record_the_decision(requested, practitioner, manager):
    with refused("You requested this package, so someone else must record the panel's decision"):
        approve(requested, practitioner)
    # A team lead of the package's team may.
    assert approve(requested, manager).status == S.APPROVED


def test_a_practitioner_who_is_not_a_team_lead_cannot_decide(
    allocated_case, manager, practitioner, budget, amh
):
    package = request(allocated_case, manager, budget=budget, amh=amh)
    with refused("Only a finance officer of the pool or a team lead of the package's team can record"):
        approve(package, practitioner)


def test_approve_with_changes_needs_the_changes_and_sets_the_new_cost(
    allocated_case, practitioner, finance_officer, budget, amh
):
    package = request(
        allocated_case,
        practitioner,
        budget=budget,
        amh=amh,
        weekly_cost=None,
        unit_rate=Decimal("100"),
        units_per_week=Decimal("16"),
    )
    with_changes = {"outcome": PanelOutcome.APPROVE_WITH_CHANGES, "approved_weekly_cost": Decimal("750")}
    with refused("Enter the changes the panel made"):
        approve(package, finance_officer, **with_changes)
    # £1,600 needs level 3, but the changed cost of £750 needs only level 1.
    package = approve(package, finance_officer, rank=1, changes="Fewer hours at weekends", **with_changes)
    assert package.status == S.APPROVED
    cost = package.costs.get()
    assert cost.weekly_cost == Decimal("750.00")
    assert cost.unit_rate is None and cost.units_per_week is None
    decision = package.panel_decision
    assert (decision.outcome, decision.changes, decision.level_needed.rank) == (
        PanelOutcome.APPROVE_WITH_CHANGES,
        "Fewer hours at weekends",
        1,
    )
    details = package.transitions.last().details
    assert (details["requested_weekly_cost"], details["approved_weekly_cost"]) == ("1600.00", "750")


def test_a_different_cost_needs_approve_with_changes(requested, finance_officer):
    with refused("To approve a different weekly cost, choose approve with changes"):
        approve(requested, finance_officer, approved_weekly_cost=Decimal("500"))


def test_decline_and_repeat(requested, finance_officer):
    declined = approve(
        requested, finance_officer, outcome=PanelOutcome.DECLINE, reasons="Needs met by family"
    )
    assert declined.status == S.DECLINED
    transitions = declined.transitions.count()
    again = approve(declined, finance_officer, outcome=PanelOutcome.DECLINE, reasons="Needs met by family")
    assert again.status == S.DECLINED and again.transitions.count() == transitions
    with refused(
        "The funding panel has already decided on this package: it is declined by the funding panel"
    ):
        approve(declined, finance_officer)


def test_decision_dates(requested, finance_officer):
    with refused("The date of the decision must be today or in the past"):
        approve(requested, finance_officer, decided_on=TODAY + datetime.timedelta(days=1))
    with refused("The date of the decision must be on or after the request (23 November 2026)"):
        approve(requested, finance_officer, decided_on=TODAY - datetime.timedelta(days=3))
    with refused("Enter who decided (name and role)"):
        approve(requested, finance_officer, decided_by=" ")
    with refused("Enter the panel's reasons"):
        approve(requested, finance_officer, reasons="")


def test_a_decision_repeated_is_a_no_op(approved, finance_officer):
    count = approved.transitions.count()
    assert approve(approved, finance_officer).status == S.APPROVED
    assert approved.transitions.count() == count
    assert PanelDecision.objects.filter(package=approved).count() == 1


# --- Start ---------------------------------------------------------------------------------


def test_start_makes_it_active(active, practitioner):
    assert active.status == S.ACTIVE
    assert active.started_on == TODAY
    # Started before the planned start (1 December): the first cost runs from the real start.
    assert active.costs.get().effective_from == TODAY
    transition = active.transitions.last()
    assert (transition.event, transition.from_status, transition.actor) == (
        "started",
        "approved",
        practitioner,
    )


def test_start_dates(allocated_case, practitioner, finance_officer, budget, amh):
    package = request(
        allocated_case, practitioner, budget=budget, amh=amh, planned_start=datetime.date(2026, 11, 10)
    )
    package = approve(package, finance_officer, decided_on=TODAY)
    with refused("The start date must be today or in the past"):
        services.start_package(
            package=package, started_on=TODAY + datetime.timedelta(days=1), by=practitioner
        )
    with refused("The start date must be on or after 10 November 2026"):
        services.start_package(package=package, started_on=datetime.date(2026, 11, 9), by=practitioner)
    # Backdated to the planned start, before the panel's decision: allowed.
    started = services.start_package(package=package, started_on=datetime.date(2026, 11, 10), by=practitioner)
    assert started.status == S.ACTIVE
    count = started.transitions.count()
    assert services.start_package(
        package=started, started_on=TODAY, by=practitioner
    ).started_on == datetime.date(2026, 11, 10)
    assert started.transitions.count() == count


def test_only_an_approved_package_starts(requested, practitioner):
    with refused("Only an approved package can start: this one is waiting for the funding panel"):
        services.start_package(package=requested, started_on=TODAY, by=practitioner)


# --- Cost changes --------------------------------------------------------------------------


def test_a_cost_change_is_a_new_version_from_its_date(active, practitioner):
    version = services.change_cost(
        package=active,
        effective_from=datetime.date(2027, 1, 4),
        weekly_cost=Decimal("700"),
        reason="Annual uplift",
        by=practitioner,
    )
    assert [c.weekly_cost for c in active.costs.order_by("effective_from")] == [
        Decimal("650"),
        Decimal("700"),
    ]
    # Contribution and shares carry over when not given.
    assert (version.client_contribution, version.social_care_share, version.health_share) == (
        Decimal("40"),
        Decimal("80"),
        Decimal("20"),
    )
    transition = active.transitions.last()
    assert (transition.event, transition.to_status, transition.reason) == (
        "cost_changed",
        "active",
        "Annual uplift",
    )
    assert transition.details["previous_weekly_cost"] == "650.00"
    # A repeat of the same change is a no-op.
    again = services.change_cost(
        package=active,
        effective_from=datetime.date(2027, 1, 4),
        weekly_cost=Decimal("700"),
        reason="Annual uplift",
        by=practitioner,
    )
    assert again.pk == version.pk and active.costs.count() == 2


def test_cost_change_dates(active, practitioner):
    services.change_cost(
        package=active,
        effective_from=datetime.date(2027, 1, 4),
        weekly_cost=700,
        reason="Uplift",
        by=practitioner,
    )
    with refused("The new cost cannot take effect before 4 January 2027, when the latest cost took effect"):
        services.change_cost(
            package=active,
            effective_from=datetime.date(2027, 1, 1),
            weekly_cost=710,
            reason="x",
            by=practitioner,
        )
    with refused("There is already a cost from 4 January 2027: choose a later date for the new cost"):
        services.change_cost(
            package=active,
            effective_from=datetime.date(2027, 1, 4),
            weekly_cost=720,
            reason="x",
            by=practitioner,
        )
    with refused("Enter why the cost changed"):
        services.change_cost(
            package=active,
            effective_from=datetime.date(2027, 2, 1),
            weekly_cost=720,
            reason="",
            by=practitioner,
        )


def test_a_cost_above_the_panel_level_goes_back_to_the_panel(active, practitioner):
    with refused(
        "A weekly cost of £900.00 needs approval at Head of service level, and the panel approved this "
        "package at Team manager level: take the new cost back to the funding panel at Head of service level"
    ):
        services.change_cost(
            package=active,
            effective_from=datetime.date(2027, 1, 4),
            weekly_cost=Decimal("900"),
            reason="More hours",
            by=practitioner,
        )
    # Within the level: fine.
    services.change_cost(
        package=active,
        effective_from=datetime.date(2027, 1, 4),
        weekly_cost=Decimal("800"),
        reason="x",
        by=practitioner,
    )


def test_a_requested_package_can_change_its_cost_before_the_panel(requested, practitioner):
    services.change_cost(
        package=requested,
        effective_from=datetime.date(2027, 4, 1),
        weekly_cost=Decimal("2000"),
        reason="Provider's new rates from April",
        by=practitioner,
    )
    assert requested.costs.count() == 2


def test_an_ended_package_keeps_its_cost(active, practitioner):
    ended = services.end_package(package=active, ended_on=TODAY, reason="Moved away", by=practitioner)
    with refused("The cost of a package that is ended cannot change"):
        services.change_cost(
            package=ended,
            effective_from=datetime.date(2027, 1, 4),
            weekly_cost=700,
            reason="x",
            by=practitioner,
        )


def test_a_stale_cost_change_says_what_changed_and_saves_nothing(active, practitioner, finance_officer):
    seen = active.version
    services.change_cost(
        package=active,
        effective_from=datetime.date(2027, 1, 4),
        weekly_cost=700,
        reason="Uplift",
        by=finance_officer,
    )
    with pytest.raises(StaleEdit) as caught:
        services.change_cost(
            package=active,
            effective_from=datetime.date(2027, 2, 1),
            weekly_cost=Decimal("750"),
            reason="More hours",
            by=practitioner,
            expected_version=seen,
        )
    change = caught.value.changes[0]
    assert (change.label, change.then, change.now, change.mine) == (
        "Latest weekly cost",
        "£650.00",
        "£700.00",
        "£750.00",
    )
    assert active.costs.count() == 2


# --- End, withdraw, review -----------------------------------------------------------------


def test_end(active, practitioner):
    with refused("The end date must be on or after the start date (23 November 2026)"):
        services.end_package(
            package=active, ended_on=datetime.date(2026, 11, 22), reason="x", by=practitioner
        )
    with refused("The end date must be today or in the past"):
        services.end_package(
            package=active, ended_on=TODAY + datetime.timedelta(days=1), reason="x", by=practitioner
        )
    with refused("Enter why the package ended"):
        services.end_package(package=active, ended_on=TODAY, reason=" ", by=practitioner)
    ended = services.end_package(
        package=active, ended_on=TODAY, reason="Moved to another area", by=practitioner
    )
    assert (ended.status, ended.ended_on, ended.end_reason) == (S.ENDED, TODAY, "Moved to another area")
    count = ended.transitions.count()
    assert (
        services.end_package(package=ended, ended_on=TODAY, reason="again", by=practitioner).status == S.ENDED
    )
    assert ended.transitions.count() == count


def test_only_an_active_package_ends(approved, practitioner):
    with refused("Only an active package can end: this one is approved, not started"):
        services.end_package(package=approved, ended_on=TODAY, reason="x", by=practitioner)


def test_withdraw(requested, approved, practitioner):
    withdrawn = services.withdraw_package(package=approved, reason="Family now provide care", by=practitioner)
    assert withdrawn.status == S.WITHDRAWN
    assert withdrawn.transitions.last().from_status == S.APPROVED
    count = withdrawn.transitions.count()
    services.withdraw_package(package=withdrawn, reason="again", by=practitioner)
    assert withdrawn.transitions.count() == count


def test_an_active_package_is_ended_not_withdrawn(active, practitioner):
    with refused("An active package cannot be withdrawn: end it instead"):
        services.withdraw_package(package=active, reason="x", by=practitioner)


def test_review(active, practitioner):
    with refused("Enter what the review found"):
        services.record_review(package=active, reviewed_on=TODAY, notes=" ", by=practitioner)
    with refused("The date of the review must be on or after the start date (23 November 2026)"):
        services.record_review(
            package=active, reviewed_on=datetime.date(2026, 11, 22), notes="x", by=practitioner
        )
    reviewed = services.record_review(
        package=active, reviewed_on=TODAY, notes="Still meets needs; same hours", by=practitioner
    )
    assert reviewed.last_reviewed_on == TODAY
    transition = reviewed.transitions.last()
    assert (transition.event, transition.from_status, transition.to_status) == (
        "reviewed",
        "active",
        "active",
    )
    assert transition.reason == "Still meets needs; same hours"
    count = reviewed.transitions.count()
    services.record_review(package=reviewed, reviewed_on=TODAY, notes="Still meets needs", by=practitioner)
    assert reviewed.transitions.count() == count


def test_a_review_is_not_dated_before_the_last_one(
    allocated_case, practitioner, finance_officer, budget, amh
):
    package = request(
        allocated_case, practitioner, budget=budget, amh=amh, planned_start=datetime.date(2026, 11, 2)
    )
    package = approve(package, finance_officer)
    package = services.start_package(package=package, started_on=datetime.date(2026, 11, 2), by=practitioner)
    services.record_review(
        package=package, reviewed_on=datetime.date(2026, 11, 20), notes="Fine", by=practitioner
    )
    with refused("The date of the review must be on or after the last review (20 November 2026)"):
        services.record_review(
            package=package, reviewed_on=datetime.date(2026, 11, 16), notes="x", by=practitioner
        )


def test_review_refusals(requested, practitioner):
    with refused("Only an active package can be reviewed: this one is waiting for the funding panel"):
        services.record_review(package=requested, reviewed_on=TODAY, notes="x", by=practitioner)


# --- Who may act ---------------------------------------------------------------------------


def test_another_team_and_outside_finance_cannot_act(approved, other_worker, outsider_finance):
    for user in (other_worker, outsider_finance):
        with refused(
            "Only the team that holds this package or a finance officer of the pool that pays for it"
        ):
            services.start_package(package=approved, started_on=TODAY, by=user)
        assert allowed_actions(user, approved) == set()


def test_finance_of_any_partner_may_act(approved, trust_finance_officer):
    assert allowed_actions(trust_finance_officer, approved) == {"start", "cost_change", "withdraw"}
    started = services.start_package(package=approved, started_on=TODAY, by=trust_finance_officer)
    assert started.status == S.ACTIVE


def test_allowed_actions_follow_status(requested, practitioner, finance_officer):
    assert allowed_actions(practitioner, requested) == {"cost_change", "withdraw"}
    assert allowed_actions(finance_officer, requested) == {"decide", "cost_change", "withdraw"}


def test_costs_recorded_now(requested):
    assert PackageCost.objects.get(package=requested).recorded_at.date() == timezone.now().date()
