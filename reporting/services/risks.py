"""The joint risk register (seeds 000 and 003): add a risk, change its details, re-score it.

A risk is scored consequence x likelihood on the NHS 5x5 matrix (reporting.models.risks).
The first scoring and every re-scoring is an append-only RiskAssessment row with who, when,
the two factors, the score and a note; the risk holds the first and the current factors.
Detail edits use optimistic locking (`version`); a re-scoring bumps the version too, so an
edit begun before it shows what the review changed.
"""

import datetime

from django.db import transaction

from ..models import CONSEQUENCE_LABELS, LIKELIHOOD_LABELS, Risk, RiskAssessment
from .common import DomainError, clean_date, clean_text, long_date, not_future, stale_edit

__all__ = ["RISK_EDITABLE_FIELDS", "add_risk", "clean_factor", "rescore_risk", "update_risk"]

RISK_EDITABLE_FIELDS = ("title", "description", "owner_name", "owner_user", "mitigations", "review_on")
TITLE_LIMIT = 200
NAME_LIMIT = 150
FACTOR_MESSAGES = {
    what: f"Choose the {what}: 1 ({labels[1].lower()}) to 5 ({labels[5].lower()})"
    for what, labels in (("consequence", CONSEQUENCE_LABELS), ("likelihood", LIKELIHOOD_LABELS))
}


def clean_factor(value, what: str) -> int:
    """A consequence or likelihood from 1 to 5."""
    message = FACTOR_MESSAGES[what]
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError(message) from None
    if isinstance(value, bool) or not 1 <= number <= 5 or str(value).strip() != str(number):
        raise DomainError(message)
    return number


def _details(values: dict) -> dict:
    values["title"] = clean_text(values.get("title"), "Enter the risk", limit=TITLE_LIMIT, label="risk")
    values["description"] = (values.get("description") or "").strip()
    values["owner_name"] = clean_text(
        values.get("owner_name"), "Enter who owns the risk", limit=NAME_LIMIT, label="owner"
    )
    values["mitigations"] = clean_text(values.get("mitigations"), "Enter the mitigations")
    values["review_on"] = clean_date(values.get("review_on"), "Enter the date of the next review")
    return values


def _assessed_on(value) -> datetime.date:
    return not_future(
        clean_date(value, "Enter the date the risk was assessed"),
        "The date the risk was assessed must be today or in the past",
    )


def _review_after(review_on: datetime.date, assessed_on: datetime.date) -> None:
    if review_on <= assessed_on:
        raise DomainError(f"The next review must be after the assessment, {long_date(assessed_on)}")


@transaction.atomic
def add_risk(
    *,
    title: str,
    owner_name: str,
    consequence,
    likelihood,
    assessed_on: datetime.date,
    mitigations: str,
    review_on: datetime.date,
    by,
    description: str = "",
    owner_user=None,
    note: str = "",
) -> Risk:
    """A new risk with its first scoring (which is also its current scoring)."""
    values = _details(
        {
            "title": title,
            "description": description,
            "owner_name": owner_name,
            "mitigations": mitigations,
            "review_on": review_on,
        }
    )
    consequence = clean_factor(consequence, "consequence")
    likelihood = clean_factor(likelihood, "likelihood")
    assessed_on = _assessed_on(assessed_on)
    _review_after(values["review_on"], assessed_on)
    risk = Risk(
        **values,
        owner_user=owner_user,
        initial_consequence=consequence,
        initial_likelihood=likelihood,
        consequence=consequence,
        likelihood=likelihood,
        first_assessed_on=assessed_on,
        last_assessed_on=assessed_on,
        created_by=by,
    )
    risk._history_user = by
    risk._change_reason = "Risk added"
    risk.full_clean(exclude=["initial_score", "score"])
    risk.save()
    RiskAssessment.objects.create(
        risk=risk,
        kind=RiskAssessment.Kind.FIRST,
        assessed_on=assessed_on,
        assessed_by=by,
        consequence=consequence,
        likelihood=likelihood,
        score=consequence * likelihood,
        note=(note or "").strip(),
        next_review_on=values["review_on"],
    )
    return risk


@transaction.atomic
def update_risk(*, risk_id: int, data: dict, expected_version: int, by, reason: str = "") -> Risk:
    """Change the risk's wording, owner, mitigations or next review date. Scores change only
    by re-scoring, so their history stays whole."""
    risk = Risk.objects.select_for_update().get(pk=risk_id)
    if risk.version != expected_version:
        raise stale_edit(risk, RISK_EDITABLE_FIELDS, expected_version, data)
    values = {field: data.get(field, getattr(risk, field)) for field in RISK_EDITABLE_FIELDS}
    owner_user = values.pop("owner_user")
    values = _details(values)
    values["owner_user"] = owner_user
    if values["review_on"] != risk.review_on:
        _review_after(values["review_on"], risk.last_assessed_on)
    if all(getattr(risk, field) == value for field, value in values.items()):
        return risk
    for field, value in values.items():
        setattr(risk, field, value)
    risk.version = expected_version + 1  # the row is locked, so this cannot race
    risk._history_user = by
    risk._change_reason = (reason or "").strip()[:100] or "Risk details changed"
    risk.save()
    return risk


@transaction.atomic
def rescore_risk(
    *, risk_id: int, consequence, likelihood, assessed_on: datetime.date, note: str, next_review_on, by
) -> RiskAssessment:
    """A review: the current consequence and likelihood, why, and when to look again.

    The assessment must not be dated before the latest one (the current score is the latest
    assessment's). The same review sent twice (a double click) is recorded once.
    """
    risk = Risk.objects.select_for_update().get(pk=risk_id)
    consequence = clean_factor(consequence, "consequence")
    likelihood = clean_factor(likelihood, "likelihood")
    assessed_on = _assessed_on(assessed_on)
    if assessed_on < risk.last_assessed_on:
        raise DomainError(
            "The date of this assessment must be on or after the latest one, "
            f"{long_date(risk.last_assessed_on)}"
        )
    note = clean_text(note, "Enter what the review found and why the score is what it is")
    next_review_on = clean_date(next_review_on, "Enter the date of the next review")
    _review_after(next_review_on, assessed_on)
    latest = risk.assessments.order_by("-assessed_on", "-pk").first()
    if latest is not None and (
        latest.assessed_on,
        latest.consequence,
        latest.likelihood,
        latest.note,
        latest.assessed_by_id,
        latest.next_review_on,
    ) == (assessed_on, consequence, likelihood, note, by.pk, next_review_on):
        return latest
    assessment = RiskAssessment.objects.create(
        risk=risk,
        kind=RiskAssessment.Kind.REVIEW,
        assessed_on=assessed_on,
        assessed_by=by,
        consequence=consequence,
        likelihood=likelihood,
        score=consequence * likelihood,
        note=note,
        next_review_on=next_review_on,
    )
    risk.consequence, risk.likelihood = consequence, likelihood
    risk.last_assessed_on, risk.review_on = assessed_on, next_review_on
    risk.version += 1
    risk._history_user = by
    risk._change_reason = f"Re-scored {consequence} x {likelihood} = {consequence * likelihood}"
    risk.save()
    return assessment
