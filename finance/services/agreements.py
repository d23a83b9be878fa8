"""Section 75 agreements: setting one up, changing it, recording its variations.

NHS Act 2006 s75 and the NHS Bodies and Local Authorities Partnership Arrangements
Regulations 2000: partners are NHS bodies and local authorities; regulation 7 pooled funds
have a host partner and a pool manager, and the agreement sets how an over- or underspend is
shared (regulation 7(4)). Every write names the acting user (`by=`); a change uses the
agreement's `version` for optimistic locking (DESIGN.md section 12).
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import IntegrityError, transaction

from accounts.models import Membership, Organisation, Role, User
from cases.services import DomainError
from cases.services.people import FieldChange, StaleEdit

from ..models import (
    Agreement,
    AgreementKind,
    AgreementPartner,
    AgreementVariation,
    BudgetLine,
    Contribution,
    PooledBudget,
    RiskShareRule,
    StaffingLine,
    financial_year_bounds,
    financial_year_label,
)

__all__ = [
    "AGREEMENT_FIELDS",
    "PARTNER_KINDS",
    "StaleEdit",
    "add_variation",
    "create_agreement",
    "update_agreement",
]

# Who may be a partner to a Section 75 agreement: NHS bodies and local authorities (s75(1)).
PARTNER_KINDS = (Organisation.Kind.COUNCIL, Organisation.Kind.NHS_TRUST, Organisation.Kind.ICB)
AGREEMENT_FIELDS = ("name", "kind", "host", "pool_manager", "starts_on", "ends_on", "risk_share_rule")
HUNDRED = Decimal("100")

SHARES_SUM = "The fixed shares must add up to 100% (they add up to {total}%)"


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}"


def finance_officers_of(organisation_ids: Iterable[int]):
    """Users who are finance officers now in one of these organisations."""
    memberships = Membership.objects.current().filter(
        role=Role.FINANCE_OFFICER, team__organisation_id__in=list(organisation_ids)
    )
    return User.objects.filter(memberships__in=memberships, is_active=True).distinct()


def _clean(values: dict, partners: list[Organisation], shares: Mapping[int, Decimal | None], by) -> dict:
    """Check an agreement's details and return {organisation id: fixed share or None}.

    The service checks everything the form does (ADR 3), so no other caller can skip a rule.
    """
    name = (values.get("name") or "").strip()
    if not name:
        raise DomainError("Enter the name of the agreement")
    values["name"] = name
    if values.get("kind") not in AgreementKind.values:
        raise DomainError("Select the kind of agreement")
    if values.get("risk_share_rule") not in RiskShareRule.values:
        raise DomainError("Select how an over- or underspend is shared")
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if starts_on is None:
        raise DomainError("Enter the date the agreement starts")
    if ends_on is not None and ends_on <= starts_on:
        raise DomainError("The end date must be after the start date")

    partners = list({p.pk: p for p in partners}.values())
    if len(partners) < 2:
        raise DomainError("Select at least two partners: a Section 75 agreement is between partners")
    wrong = [p.name for p in partners if p.kind not in PARTNER_KINDS]
    if wrong:
        raise DomainError(
            f"{wrong[0]} cannot be a partner: partners are councils and NHS bodies (NHS trusts, ICBs)"
        )
    partner_ids = {p.pk for p in partners}
    host = values.get("host")
    if host is None:
        raise DomainError("Select the host partner")
    if host.pk not in partner_ids:
        raise DomainError("The host must be one of the partners")

    manager = values.get("pool_manager")
    if manager is None:
        raise DomainError("Select the pool manager")
    officers = finance_officers_of(partner_ids)
    if not officers.filter(pk=manager.pk).exists():
        raise DomainError("The pool manager must be a finance officer of one of the partners")
    if by.pk != manager.pk and not officers.filter(pk=by.pk).exists():
        raise DomainError(
            "Include a partner you are a finance officer of, or name yourself pool manager: "
            "otherwise you could not manage this agreement"
        )

    if values["risk_share_rule"] != RiskShareRule.FIXED:
        return dict.fromkeys(partner_ids)
    by_partner = {}
    for partner in partners:
        share = shares.get(partner.pk)
        if share is None:
            raise DomainError(f"Enter the fixed share for {partner.name}")
        if not Decimal("0") <= share <= HUNDRED:
            raise DomainError(f"The share for {partner.name} must be from 0 to 100%")
        by_partner[partner.pk] = share
    total = sum(by_partner.values(), Decimal("0"))
    if total != HUNDRED:
        raise DomainError(SHARES_SUM.format(total=_pct(total)))
    return by_partner


def _check_budgets_fit(agreement: Agreement, values: dict, partner_ids: set[int]) -> None:
    """A change may not leave a budget outside the agreement's dates, nor drop a partner that
    contributes to a budget, holds staffing lines or bears budget lines."""
    starts_on, ends_on = values["starts_on"], values["ends_on"]
    for year in PooledBudget.objects.filter(agreement=agreement).values_list("year", flat=True):
        first, last = financial_year_bounds(year)
        if last < starts_on or (ends_on is not None and first > ends_on):
            raise DomainError(
                f"The {financial_year_label(year)} budget would fall outside these dates: "
                "change the dates so that it is inside them"
            )
    leaving = set(agreement.partners.values_list("organisation_id", flat=True)) - partner_ids
    if not leaving:
        return
    budgets = PooledBudget.objects.filter(agreement=agreement)
    contributing = Contribution.objects.filter(budget__in=budgets, organisation_id__in=leaving, amount__gt=0)
    staffing = StaffingLine.objects.filter(budget__in=budgets, partner_id__in=leaving)
    bearing = BudgetLine.objects.filter(budget__in=budgets, partner_id__in=leaving)
    in_use = (
        set(contributing.values_list("organisation_id", flat=True))
        | set(staffing.values_list("partner_id", flat=True))
        | set(bearing.values_list("partner_id", flat=True))
    )
    if in_use:
        name = Organisation.objects.filter(pk__in=in_use).order_by("name").first().name
        raise DomainError(
            f"{name} contributes to a budget or holds budget or staffing lines, so it cannot be "
            "removed from the partners"
        )


def _save_partners(agreement: Agreement, shares: dict[int, Decimal | None]) -> None:
    existing = {p.organisation_id: p for p in agreement.partners.all()}
    AgreementPartner.objects.filter(agreement=agreement).exclude(organisation_id__in=shares).delete()
    for organisation_id, share in shares.items():
        partner = existing.get(organisation_id)
        if partner is None:
            AgreementPartner.objects.create(
                agreement=agreement, organisation_id=organisation_id, fixed_share=share
            )
        elif partner.fixed_share != share:
            partner.fixed_share = share
            partner.save(update_fields=["fixed_share"])
    # A budget keeps one contribution per partner, so a new partner starts at 0.
    for budget in PooledBudget.objects.filter(agreement=agreement):
        have = set(budget.contributions.values_list("organisation_id", flat=True))
        Contribution.objects.bulk_create(
            Contribution(budget=budget, organisation_id=o, amount=Decimal("0"))
            for o in shares
            if o not in have
        )
    Contribution.objects.filter(budget__agreement=agreement, amount=0).exclude(
        organisation_id__in=shares
    ).delete()


def _name_taken(name: str, exclude_pk=None) -> bool:
    rows = Agreement.objects.filter(name__iexact=name)
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    return rows.exists()


@transaction.atomic
def create_agreement(
    *,
    name: str,
    kind: str,
    host: Organisation,
    pool_manager,
    starts_on,
    ends_on=None,
    risk_share_rule: str,
    partners: Iterable[Organisation],
    shares: Mapping[int, Decimal | None] | None = None,
    by,
) -> Agreement:
    """Set up an agreement with its partners (and their fixed shares under the fixed rule)."""
    values = {
        "name": name,
        "kind": kind,
        "host": host,
        "pool_manager": pool_manager,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "risk_share_rule": risk_share_rule,
    }
    by_partner = _clean(values, list(partners), shares or {}, by)
    if _name_taken(values["name"]):
        raise DomainError("There is already an agreement with this name")
    agreement = Agreement(**values, created_by=by)
    agreement._history_user = by
    agreement._change_reason = "Agreement set up"
    try:
        with transaction.atomic():
            agreement.save()
    except IntegrityError:
        raise DomainError("There is already an agreement with this name") from None
    AgreementPartner.objects.bulk_create(
        AgreementPartner(agreement=agreement, organisation_id=o, fixed_share=s) for o, s in by_partner.items()
    )
    return agreement


def _display(field: str, value) -> str:
    if value is None:
        return ""
    if field == "kind":
        return AgreementKind(value).label
    if field == "risk_share_rule":
        return RiskShareRule(value).label
    if hasattr(value, "strftime"):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, User):
        return value.display_name
    return str(value)


def _stale_edit(agreement: Agreement, version: int, submitted: dict) -> StaleEdit:
    """Three-way comparison of the version the editor saw, the agreement now and the form.

    Partners and shares are not historied: the editor's choice of them is kept as typed."""
    then = agreement.history.filter(version=version).order_by("-history_id").first()
    related = {"host": Organisation, "pool_manager": User}
    changes, merged = [], {}
    for field in AGREEMENT_FIELDS:
        now = getattr(agreement, field)
        if then is None:
            before = now
        elif field in related:
            before = related[field].objects.filter(pk=getattr(then, f"{field}_id")).first()
        else:
            before = getattr(then, field)
        mine = submitted.get(field, before)
        merged[field] = now if mine == before else mine
        if before != now:
            label = Agreement._meta.get_field(field).verbose_name
            changes.append(
                FieldChange(
                    field, label[:1].upper() + label[1:], _display(field, before), _display(field, now),
                    _display(field, mine),
                )
            )  # fmt: skip
    merged["partners"] = submitted.get("partners")
    merged["shares"] = submitted.get("shares")
    return StaleEdit(current=agreement, changes=changes, merged=merged)


@transaction.atomic
def update_agreement(*, agreement_id: int, data: dict, expected_version: int, by) -> Agreement:
    """Change an agreement's details, partners and shares; a stale version raises StaleEdit
    and overwrites nothing. Saving what is already saved is a no-op."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement_id)
    if agreement.version != expected_version:
        raise _stale_edit(agreement, expected_version, data)
    values = {field: data.get(field, getattr(agreement, field)) for field in AGREEMENT_FIELDS}
    partners = data.get("partners")
    if partners is None:
        partners = [p.organisation for p in agreement.partners.select_related("organisation")]
    shares = data.get("shares")
    if shares is None:
        shares = {p.organisation_id: p.fixed_share for p in agreement.partners.all()}
    by_partner = _clean(values, list(partners), shares, by)
    if _name_taken(values["name"], exclude_pk=agreement.pk):
        raise DomainError("There is already an agreement with this name")
    _check_budgets_fit(agreement, values, set(by_partner))
    saved_shares = {p.organisation_id: p.fixed_share for p in agreement.partners.all()}
    same = all(getattr(agreement, f) == v for f, v in values.items()) and saved_shares == by_partner
    if same:
        return agreement
    for field, value in values.items():
        setattr(agreement, field, value)
    agreement.version = expected_version + 1  # the row is locked, so this cannot race
    agreement._history_user = by
    agreement._change_reason = (data.get("reason") or "").strip() or "Agreement changed"
    agreement.save()
    _save_partners(agreement, by_partner)
    return agreement


@transaction.atomic
def add_variation(*, agreement: Agreement, varied_on, description: str, by) -> AgreementVariation:
    """Record a variation of the agreement (a changed schedule, contribution or function).
    It must fall within the agreement's dates."""
    description = (description or "").strip()
    if varied_on is None:
        raise DomainError("Enter the date of the variation")
    if not description:
        raise DomainError("Enter what changed")
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if varied_on < agreement.starts_on:
        starts = _display("d", agreement.starts_on)
        raise DomainError(f"The date of the variation must be on or after the agreement starts ({starts})")
    if agreement.ends_on is not None and varied_on > agreement.ends_on:
        ends = _display("d", agreement.ends_on)
        raise DomainError(f"The date of the variation must be on or before the agreement ends ({ends})")
    return AgreementVariation.objects.create(
        agreement=agreement, varied_on=varied_on, description=description, recorded_by=by
    )
