"""The joint risk register: NHS 5x5 scoring and bands, append-only scoring history, the
register's order and filters, and the heat map."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.utils import InternalError, ProgrammingError
from django.utils import timezone

from reporting import selectors_risks, services
from reporting.models import Risk, RiskAssessment, RiskLevel, risk_level

from .conftest import make_risk

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)

# NHS 5x5 bands, written out again: 1-3 low, 4-6 moderate, 8-12 high, 15-25 extreme.
EXPECTED = {1: "low", 2: "low", 3: "low", 4: "moderate", 5: "moderate", 6: "moderate", 8: "high"}
EXPECTED |= {9: "high", 10: "high", 12: "high", 15: "extreme", 16: "extreme", 20: "extreme", 25: "extreme"}


def test_every_possible_score_has_the_nhs_band():
    products = {c * lik for c in range(1, 6) for lik in range(1, 6)}
    assert products == set(EXPECTED)  # 7, 11, 13, 14 cannot occur
    assert {score: str(risk_level(score)) for score in products} == EXPECTED


@pytest.mark.parametrize(
    ("below", "above", "levels"),
    [(3, 4, ("low", "moderate")), (6, 8, ("moderate", "high")), (12, 15, ("high", "extreme"))],
)
def test_band_boundaries(below, above, levels):
    assert (risk_level(below), risk_level(above)) == levels


@pytest.mark.parametrize("score", [0, 26, -1])
def test_scores_outside_the_matrix_are_refused(score):
    with pytest.raises(ValueError):
        risk_level(score)


@pytest.mark.django_db
def test_add_risk_scores_it_and_records_the_first_assessment(commissioner):
    risk = make_risk(commissioner, consequence=4, likelihood=4)
    risk.refresh_from_db()
    assert (risk.initial_score, risk.score, risk.level, risk.initial_level) == (16, 16, "extreme", "extreme")
    [first] = risk.assessments.all()
    assert (first.kind, first.consequence, first.likelihood, first.score, first.assessed_by) == (
        "first",
        4,
        4,
        16,
        commissioner,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("c", "lik"), [(0, 3), (6, 3), (3, "x"), (3, None), (True, 2)])
def test_factors_must_be_one_to_five(commissioner, c, lik):
    with pytest.raises(services.DomainError, match="Choose the"):
        make_risk(commissioner, consequence=c, likelihood=lik)
    assert not Risk.objects.exists()


@pytest.mark.django_db
def test_rescore_keeps_the_first_score_and_appends_history(commissioner, administrator):
    """Seed 003: C = 4 L = 4 Score = 16 (Extreme) first, then C = 2 L = 3 = 6 (Moderate)."""
    risk = make_risk(commissioner, consequence=4, likelihood=4, assessed_on=TODAY - 90 * DAY)
    services.rescore_risk(
        risk_id=risk.pk,
        consequence=2,
        likelihood=3,
        assessed_on=TODAY - DAY,
        note="Impact not realised",
        next_review_on=TODAY + 60 * DAY,
        by=administrator,
    )
    risk.refresh_from_db()
    assert (risk.initial_consequence, risk.initial_likelihood, risk.initial_score) == (4, 4, 16)
    assert (risk.consequence, risk.likelihood, risk.score, risk.level) == (2, 3, 6, RiskLevel.MODERATE)
    assert (risk.last_assessed_on, risk.review_on, risk.version) == (TODAY - DAY, TODAY + 60 * DAY, 2)
    history = selectors_risks.assessments_for(risk)
    assert [(a.kind, a.score, a.assessed_by, a.note) for a in history] == [
        ("review", 6, administrator, "Impact not realised"),
        ("first", 16, commissioner, ""),
    ]
    # The same review sent twice is recorded once.
    services.rescore_risk(
        risk_id=risk.pk,
        consequence=2,
        likelihood=3,
        assessed_on=TODAY - DAY,
        note="Impact not realised",
        next_review_on=TODAY + 60 * DAY,
        by=administrator,
    )
    assert risk.assessments.count() == 2


@pytest.mark.django_db
def test_history_rows_are_append_only(commissioner):
    risk = make_risk(commissioner)
    for change in (
        lambda: RiskAssessment.objects.filter(risk=risk).update(score=1, consequence=1, likelihood=1),
        lambda: RiskAssessment.objects.filter(risk=risk).delete(),
    ):
        with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
            change()
    assert RiskAssessment.objects.get(risk=risk).score == 16


@pytest.mark.django_db
def test_a_history_row_score_must_be_the_product(commissioner):
    risk = make_risk(commissioner)
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskAssessment.objects.create(
            risk=risk, assessed_on=TODAY, assessed_by=commissioner, consequence=2, likelihood=2, score=5
        )


@pytest.mark.django_db
def test_rescore_checks_dates_and_note(commissioner):
    risk = make_risk(commissioner, assessed_on=TODAY - 10 * DAY)
    base = {"risk_id": risk.pk, "consequence": 3, "likelihood": 3, "by": commissioner}
    cases = [
        ({"assessed_on": TODAY - 11 * DAY, "note": "x", "next_review_on": TODAY}, "on or after the latest"),
        (
            {"assessed_on": TODAY + DAY, "note": "x", "next_review_on": TODAY + 9 * DAY},
            "today or in the past",
        ),
        ({"assessed_on": TODAY, "note": " ", "next_review_on": TODAY + DAY}, "what the review found"),
        ({"assessed_on": TODAY, "note": "x", "next_review_on": TODAY}, "next review must be after"),
    ]
    for extra, message in cases:
        with pytest.raises(services.DomainError, match=message):
            services.rescore_risk(**base, **extra)
    assert risk.assessments.count() == 1


@pytest.mark.django_db
def test_register_sorted_by_current_score_and_filtered(commissioner):
    low = make_risk(commissioner, title="HR records", consequence=1, likelihood=3, owner="HR")
    moderate = make_risk(commissioner, title="Access", consequence=2, likelihood=2, owner="IT")
    high = make_risk(commissioner, title="Waiting lists", consequence=4, likelihood=3, owner="IT")
    extreme = make_risk(
        commissioner, title="AMHPs", consequence=5, likelihood=3, owner="AMHP", review_on=TODAY - DAY
    )
    assert list(selectors_risks.register(today=TODAY)) == [extreme, high, moderate, low]
    assert list(selectors_risks.register(level="high", today=TODAY)) == [high]
    assert list(selectors_risks.register(level="low", today=TODAY)) == [low]
    assert list(selectors_risks.register(owner="IT", today=TODAY)) == [high, moderate]
    assert list(selectors_risks.register(review_overdue=True, today=TODAY)) == [extreme]
    counts = selectors_risks.level_counts(TODAY)
    assert (counts["low"], counts["moderate"], counts["high"], counts["extreme"]) == (1, 1, 1, 1)
    assert (counts["review_overdue"], counts["total"]) == (1, 4)


@pytest.mark.django_db
def test_heat_map_counts_each_cell(commissioner):
    for c, lik in [(5, 4), (5, 4), (2, 1), (3, 3)]:
        make_risk(commissioner, consequence=c, likelihood=lik)
    rows, columns, total = selectors_risks.heat_map()
    assert total == 4
    assert [r.consequence for r in rows] == [5, 4, 3, 2, 1]
    assert [n for n, _ in columns] == [1, 2, 3, 4, 5]
    grid = {(cell.consequence, cell.likelihood): cell for row in rows for cell in row.cells}
    assert len(grid) == 25
    assert {k: v.count for k, v in grid.items() if v.count} == {(5, 4): 2, (2, 1): 1, (3, 3): 1}
    assert (grid[(5, 4)].score, grid[(5, 4)].level) == (20, "extreme")


@pytest.mark.django_db
def test_edit_details_with_optimistic_locking(commissioner, administrator):
    risk = make_risk(commissioner)
    data = {f: getattr(risk, f) for f in services.RISK_EDITABLE_FIELDS}
    services.update_risk(
        risk_id=risk.pk, data={**data, "mitigations": "New"}, expected_version=1, by=administrator
    )
    with pytest.raises(services.StaleEdit) as caught:
        services.update_risk(
            risk_id=risk.pk, data={**data, "title": "Renamed"}, expected_version=1, by=commissioner
        )
    risk.refresh_from_db()
    assert (risk.mitigations, risk.title, risk.version) == ("New", "Not enough AMHPs on the rota", 2)
    assert [c.field for c in caught.value.changes] == ["mitigations"]
