"""What an assessment records and what a plan sets out, drawn at random but always
consistent: the determination is the eligibility rule applied to the answers.

Care and Support (Eligibility Criteria) Regulations 2015: reg 2 for adults (needs from an
impairment or illness, unable to achieve two or more outcomes, consequently a significant
impact on wellbeing); reg 3 for carers (needs from providing necessary care, health at risk
or an outcome not achieved in one of three senses, and a significant impact).
"""

import random
from decimal import Decimal

from careact.models import CARER_SENSES, AdultOutcome, AdvocacyNeed, CarerOutcome, UnableSense, WellbeingArea

from . import texts

ADULT_SENSES = list(UnableSense.values)
# Enum .values and .label are worked out on every access; the seed asks millions of times.
AREAS = list(WellbeingArea.values)
ADULT_OUTCOMES = list(AdultOutcome.values)
ADULT_OUTCOMES_OLDER = [o for o in ADULT_OUTCOMES if o != AdultOutcome.CHILD_CARE]
CARER_OUTCOMES = list(CarerOutcome.values)
LABELS = {"adult": dict(AdultOutcome.choices), "carer": dict(CarerOutcome.choices)}
CARER_SENSE_VALUES = [sense.value for sense in CARER_SENSES]
# Authorised adult assessments: most show eligible needs; the rest fail one test each.
ADULT_PROFILES = (("eligible", 68), ("one_outcome", 14), ("no_impact", 12), ("not_impairment", 6))
CARER_PROFILES = (("eligible", 65), ("no_impact", 20), ("not_affected", 15))


def profile(rng: random.Random, table) -> str:
    return rng.choices([name for name, _ in table], [weight for _, weight in table])[0]


def adult_eligible(answers: dict) -> bool:
    unable = sum(1 for o in answers["outcomes"].values() if o["unable"] and o["senses"])
    return bool(answers["needs_from_impairment"] and unable >= 2 and answers["significant_impact"])


def carer_eligible(answers: dict) -> bool:
    unable = any(
        o["unable"] and set(o["senses"]) & set(CARER_SENSE_VALUES) for o in answers["outcomes"].values()
    )
    return bool(
        answers["needs_from_impairment"]
        and (answers["carer_health_at_risk"] or unable)
        and answers["significant_impact"]
    )


def _senses(rng, pool):
    chosen = set(rng.sample(pool, rng.choice((1, 1, 1, 2))))
    return [sense for sense in pool if sense in chosen]


def _wellbeing(rng, significant: bool) -> dict:
    wellbeing = {area: {"impact": rng.choice(("none", "some", "some")), "notes": ""} for area in AREAS}
    if significant:
        for area in rng.sample(AREAS, rng.randint(1, 3)):
            wellbeing[area] = {"impact": "significant", "notes": texts.WELLBEING_NOTES[area]}
    return wellbeing


def _advocacy(rng) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.8:
        return AdvocacyNeed.NOT_NEEDED, ""
    if roll < 0.95:
        return AdvocacyNeed.APPROPRIATE_PERSON, rng.choice(texts.ADVOCACY_PERSON)
    return (
        AdvocacyNeed.ADVOCATE,
        f"{rng.choice(texts.ADVOCATE_NAMES)}, {rng.choice(texts.ADVOCACY_PROVIDERS)}",
    )


def adult_answers(rng: random.Random, older: bool, kind_of_profile: str) -> dict:
    outcomes = {o: {"unable": False, "senses": [], "notes": ""} for o in ADULT_OUTCOMES}
    candidates = ADULT_OUTCOMES_OLDER if older else ADULT_OUTCOMES
    count = {"eligible": rng.randint(2, 5), "one_outcome": 1}.get(kind_of_profile, rng.randint(2, 3))
    for outcome in rng.sample(candidates, count):
        notes = rng.choice(texts.OUTCOME_NOTES[outcome])
        outcomes[outcome] = {"unable": True, "senses": _senses(rng, ADULT_SENSES), "notes": notes}
    from_impairment = kind_of_profile != "not_impairment"
    significant = kind_of_profile != "no_impact"
    advocacy, advocacy_details = _advocacy(rng)
    answers = {
        "persons_outcomes": rng.choice(texts.PERSONS_OUTCOMES),
        "strengths": rng.choice(texts.STRENGTHS),
        "needs_from_impairment": from_impairment,
        "impairment": rng.choice(texts.IMPAIRMENTS_OLDER if older else texts.IMPAIRMENTS_WORKING_AGE)
        if from_impairment
        else rng.choice(texts.NOT_FROM_IMPAIRMENT),
        "carer_health_at_risk": None,
        "wellbeing": _wellbeing(rng, significant),
        "outcomes": outcomes,
        "significant_impact": significant,
        "advocacy_need": advocacy,
        "advocacy_details": advocacy_details,
    }
    answers["eligible"] = adult_eligible(answers)
    answers["determination_reasons"] = _adult_reasons(answers)
    return answers


def _labels(outcomes: dict, who: str) -> list[str]:
    return [LABELS[who][o].lower() for o, answer in outcomes.items() if answer["unable"]]


def _adult_reasons(answers: dict) -> str:
    unable = _labels(answers["outcomes"], "adult")
    if not answers["needs_from_impairment"]:
        return (
            "Needs do not arise from a physical or mental impairment or illness (reg 2(1)(a)). Not eligible."
        )
    if len(unable) < 2:
        return (
            f"Needs arise from {answers['impairment'].lower()}, but the person is unable to achieve only one "
            f"outcome ({unable[0]}); two or more are needed (reg 2(1)(b)). Not eligible."
        )
    if not answers["significant_impact"]:
        return (
            f"Unable to achieve {len(unable)} outcomes ({'; '.join(unable)}), but there is no significant "
            "impact on wellbeing as a consequence (reg 2(1)(c)). Not eligible."
        )
    return (
        f"Needs arise from {answers['impairment'].lower()}. Unable to achieve {len(unable)} outcomes "
        f"({'; '.join(unable)}), with a significant impact on wellbeing. Eligible (reg 2)."
    )


def carer_answers(rng: random.Random, kind_of_profile: str) -> dict:
    outcomes = {o: {"unable": False, "senses": [], "notes": ""} for o in CARER_OUTCOMES}
    health = kind_of_profile != "not_affected" and rng.random() < 0.5
    count = 0 if kind_of_profile == "not_affected" else rng.randint(0 if health else 1, 3)
    for outcome in rng.sample(CARER_OUTCOMES, count):
        notes = rng.choice(texts.CARER_OUTCOME_NOTES[outcome])
        outcomes[outcome] = {"unable": True, "senses": _senses(rng, CARER_SENSE_VALUES), "notes": notes}
    significant = kind_of_profile == "eligible"
    answers = {
        "persons_outcomes": "To keep caring and keep my job."
        if rng.random() < 0.5
        else "To have some time for me.",
        "strengths": rng.choice(texts.CARER_STRENGTHS),
        # reg 3(1)(a): the carer's needs arise from providing necessary care
        "needs_from_impairment": True,
        "impairment": "",
        "carer_health_at_risk": health,
        "wellbeing": _wellbeing(rng, significant),
        "outcomes": outcomes,
        "significant_impact": significant,
        "advocacy_need": AdvocacyNeed.NOT_NEEDED,
        "advocacy_details": "",
    }
    answers["eligible"] = carer_eligible(answers)
    unable = _labels(outcomes, "carer")
    if answers["eligible"]:
        why = "health at risk" if health else f"unable to achieve: {'; '.join(unable)}"
        answers["determination_reasons"] = (
            f"Needs arise from caring; {why}; significant impact. Eligible (reg 3)."
        )
    elif not health and not unable:
        answers["determination_reasons"] = (
            "Caring is not putting the carer's health at risk and they can achieve the outcomes (reg 3(2)). "
            "Not eligible; information about the carers' centre given."
        )
    else:
        answers["determination_reasons"] = (
            "No significant impact on the carer's wellbeing (reg 3(1)(c)). Not eligible."
        )
    if health:
        answers["wellbeing"]["health"] = {
            "impact": "significant" if significant else "some",
            "notes": texts.CARER_HEALTH_NOTES,
        }
    return answers


def plan_content(rng: random.Random, answers: dict, carer: bool) -> dict:
    """Needs (eligible and not, and how each is met: s25(1)), services, personal budget (s26)
    and how much of it is a direct payment (s31-33)."""
    if carer:
        needs = [
            {"need": need, "eligible": True, "how_met": how}
            for need, how in rng.sample(texts.CARER_NEEDS, rng.randint(1, 2))
        ]
        budget = Decimal(rng.randint(10, 30) * 5)
    else:
        needs = [
            {"need": f"{LABELS['adult'][o]}: {a['notes']}", "eligible": True, "how_met": texts.HOW_MET[o]}
            for o, a in answers["outcomes"].items()
            if a["unable"]
        ]
        budget = Decimal(rng.randint(10, 180) * 5)
    needs += [
        {"need": need, "eligible": False, "how_met": how}
        for need, how in rng.sample(texts.NON_ELIGIBLE_NEEDS, rng.choice((0, 1, 1, 2)))
    ]
    services = "; ".join(
        service.format(h=rng.randint(2, 14)) for service in rng.sample(texts.SERVICES, rng.randint(1, 3))
    )
    return {
        "needs": needs,
        "services": "Carer's direct payment and carers' centre support" if carer else services,
        "contingency": rng.choice(texts.CONTINGENCIES),
        **budget_split(rng, budget),
    }


def budget_split(rng: random.Random, budget: Decimal) -> dict:
    roll = rng.random()
    if roll < 0.62:
        direct, weekly = "none", None
    elif roll < 0.82:
        direct, weekly = "part", (budget * Decimal(rng.randint(30, 70)) / 100).quantize(Decimal("1"))
    else:
        direct, weekly = "full", budget
    return {"personal_budget_weekly": budget, "direct_payment": direct, "direct_payment_weekly": weekly}
