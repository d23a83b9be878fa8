"""The section 117 aftercare register and Mental Capacity Act records for the demo.

s117 (MHA 1983; Code of Practice 33.20-33.22): mostly s3, some s37, a few of the rest;
reviewed every 12 (or 6) months with some reviews late or missed; a few ended, each with both
the council's and the ICB's decision recorded. MCA 2005 ss2-4: decision-specific capacity
assessments whose outcome follows from the answers (lacks capacity only with an impairment and
at least one of the four abilities missing), a best-interests decision for most who lack it,
and an IMCA for accommodation decisions when nobody appropriate can be consulted (s39).
"""

import random
from datetime import timedelta

from careact.models import (
    AdvocacyKind,
    AdvocacyReferral,
    BestInterestsDecision,
    CapacityAssessment,
    CapacityOutcome,
    Section117Entitlement,
    Section117Review,
    Section117Status,
    Section117Transition,
)
from cases.demo import names

from . import texts
from .bulk import copy_rows
from .common import World, add_months, stamp, workday

S117_SHARE = 0.05  # of all people
SECTIONS = (("s3", 80), ("s37", 14), ("s45A", 2), ("s47", 2), ("s48", 2))
ABILITIES = (("understand", 30), ("retain", 30), ("use_or_weigh", 60), ("communicate", 8))


def _pick(rng: random.Random, table):
    return rng.choices([name for name, _ in table], [weight for _, weight in table])[0]


def seed_s117(world: World, rng: random.Random) -> dict[str, int]:
    share = min(1.0, S117_SHARE * world.people / max(1, len(world.cases)))
    y = world.yesterday
    entries, reviews, ended = [], [], []
    fallback_council = next(iter(world.councils.values()), None)
    for case in world.cases:
        manager = world.managers.get(case.team_id)
        if rng.random() >= share or manager is None or fallback_council is None:
            continue
        recorder = case.worker_id or manager.pk
        discharged = workday(world.today - timedelta(days=rng.randint(14, 1095)))
        if discharged > y:
            continue
        interval = 12 if rng.random() < 0.85 else 6
        council_key = names.TOWNS.get(case.plan.person.town, ("northshire",))[0]
        recorded = stamp(min(workday(discharged + timedelta(days=rng.randint(0, 10))), y), rng)
        entry = dict(
            person_id=case.person_id,
            team_id=case.team_id,
            section=_pick(rng, SECTIONS),
            detained_on=discharged - timedelta(days=rng.randint(28, 400)),
            discharged_on=discharged,
            responsible_council=world.councils.get(council_key, fallback_council),
            responsible_icb=world.icb,
            aftercare_plan=rng.choice(texts.S117_AFTERCARE),
            review_interval_months=interval,
            recorded_by_id=recorder,
            created_at=recorded,
        )
        held, last = [], discharged
        while True:
            due, roll = add_months(last, interval), rng.random()
            if roll > 0.93:
                break  # missed: overdue
            day = workday(
                due - timedelta(days=rng.randint(0, 30))
                if roll < 0.86
                else due + timedelta(days=rng.randint(1, 45))
            )
            if day > y:
                break
            held.append(day)
            last = day
        ending = held and (world.today - discharged).days > 400 and rng.random() < 0.12
        if ending:
            council_on = workday(held[-1] + timedelta(days=rng.randint(0, 14)))
            icb_on = workday(held[-1] + timedelta(days=rng.randint(0, 21)))
            ending = max(council_on, icb_on) <= y
        for number, day in enumerate(held, start=1):
            last_one = ending and number == len(held)
            reviews.append(
                dict(
                    entitlement=entry,
                    held_on=day,
                    attendees=rng.choice(texts.S117_ATTENDEES),
                    needs_continue=not last_one,
                    notes="Aftercare no longer needed; both bodies to record their decision."
                    if last_one
                    else rng.choice(texts.S117_NOTES),
                    recorded_by_id=recorder,
                    recorded_at=stamp(day, rng, 14, 17),
                )
            )
        if ending:
            entry.update(
                status=Section117Status.ENDED,
                council_decision_by=f"{manager.full_name}, Team Manager",
                council_decision_on=council_on,
                icb_decision_by=rng.choice(texts.ICB_DECIDERS),
                icb_decision_on=icb_on,
                ended_on=max(council_on, icb_on),
                end_reason=rng.choice(texts.S117_END_REASONS),
            )
            ended.append((entry, manager.pk))
        entries.append(entry)
    copy_rows(Section117Entitlement, entries, history=True)
    copy_rows(Section117Review, reviews)
    copy_rows(Section117Transition, _s117_transitions(entries, reviews, ended, rng))
    return {"s117 entries": len(entries), "s117 reviews": len(reviews)}


def _s117_transitions(entries, reviews, ended, rng) -> list[dict]:
    """Recorded, reviewed and ended, with the details careact.services.s117 writes."""
    active = Section117Status.ACTIVE
    rows = [
        {
            "entitlement": entry,
            "event": "recorded",
            "to_status": active,
            "actor_id": entry["recorded_by_id"],
            "at": entry["created_at"],
            "details": {"section": entry["section"]},
        }
        for entry in entries
    ]
    for review in reviews:
        details = {"review": review["id"], "held_on": review["held_on"].isoformat()}
        rows.append(
            {
                "entitlement": review["entitlement"],
                "event": "reviewed",
                "from_status": active,
                "to_status": active,
                "actor_id": review["recorded_by_id"],
                "at": review["recorded_at"],
                "details": details | {"needs_continue": review["needs_continue"]},
            }
        )
    for entry, actor in ended:
        decisions = {
            "council_decision_by": entry["council_decision_by"],
            "council_decision_on": entry["council_decision_on"].isoformat(),
            "icb_decision_by": entry["icb_decision_by"],
            "icb_decision_on": entry["icb_decision_on"].isoformat(),
        }
        rows.append(
            {
                "entitlement": entry,
                "event": "ended",
                "from_status": active,
                "to_status": Section117Status.ENDED,
                "actor_id": actor,
                "at": stamp(entry["ended_on"], rng, 15, 17),
                "reason": entry["end_reason"],
                "details": decisions,
            }
        )
    return rows


def seed_mca(world: World, rng: random.Random) -> dict[str, int]:
    y = world.yesterday
    assessments, decisions, referrals = [], [], []
    for case in world.cases:
        if case.worker_id is None or rng.random() >= (0.22 if case.plan.older else 0.10):
            continue
        earliest = workday(case.opened + timedelta(days=1))
        topics = rng.sample(sorted(texts.CAPACITY_DECISIONS), 2 if rng.random() < 0.2 else 1)
        for topic in topics:
            assessed = max(earliest, workday(world.today - timedelta(days=rng.randint(5, 600))))
            if assessed > y:
                continue
            lacks = rng.random() < (0.55 if case.plan.older else 0.3)
            missing = set()
            while lacks and (not missing or rng.random() < 0.3) and len(missing) < 3:
                missing.add(_pick(rng, ABILITIES))
            decision_text, options = texts.CAPACITY_DECISIONS[topic]
            older = case.plan.older
            capacity = dict(
                person_id=case.person_id,
                decision=decision_text,
                assessed_on=assessed,
                assessor_id=case.worker_id,
                support_given=rng.choice(texts.SUPPORT_GIVEN),
                impairment=lacks or rng.random() < 0.8,
                impairment_details=rng.choice(
                    texts.IMPAIRMENTS_OLDER if older else texts.IMPAIRMENTS_WORKING_AGE
                ),
                can_understand="understand" not in missing,
                can_retain="retain" not in missing,
                can_use_or_weigh="use_or_weigh" not in missing,
                can_communicate="communicate" not in missing,
                evidence=rng.choice(texts.CAPACITY_EVIDENCE_LACKS if lacks else texts.CAPACITY_EVIDENCE_HAS),
                outcome=CapacityOutcome.LACKS_CAPACITY if lacks else CapacityOutcome.HAS_CAPACITY,
                recorded_at=stamp(assessed, rng, 14, 17),
            )
            if not capacity["impairment"]:
                capacity["impairment_details"] = ""
            assessments.append(capacity)
            if not lacks or ((world.today - assessed).days < 14 and rng.random() < 0.5):
                continue  # has capacity, or the best-interests meeting has not happened yet
            decided = min(workday(assessed + timedelta(days=rng.randint(2, 21))), y)
            no_one = topic == "where to live" and rng.random() < 0.25
            referral = None
            if no_one:
                provider, advocate = rng.choice(texts.ADVOCACY_PROVIDERS), rng.choice(texts.ADVOCATE_NAMES)
                referral = dict(
                    person_id=case.person_id,
                    kind=AdvocacyKind.IMCA,
                    referred_on=assessed,
                    provider=provider,
                    advocate_name=advocate,
                    reason=texts.IMCA_REASONS,
                    referred_by_id=case.worker_id,
                    recorded_at=stamp(assessed, rng, 16, 17),
                )
                referrals.append(referral)
            decisions.append(
                dict(
                    capacity_assessment=capacity,
                    person_id=case.person_id,
                    decided_on=decided,
                    decision_maker_id=case.worker_id,
                    persons_wishes=rng.choice(texts.PERSONS_WISHES),
                    consulted=f"The IMCA, {advocate} ({provider}); the paid carers."
                    if no_one
                    else rng.choice(texts.CONSULTED),
                    options_considered="; ".join(options),
                    decision=rng.choice(options),
                    least_restrictive=rng.choice(texts.LEAST_RESTRICTIVE),
                    imca_referral=referral,
                    no_one_to_consult=no_one,
                    recorded_at=stamp(decided, rng, 14, 17),
                )
            )
    copy_rows(CapacityAssessment, assessments)
    copy_rows(AdvocacyReferral, referrals)
    copy_rows(BestInterestsDecision, decisions)
    return {
        "capacity assessments": len(assessments),
        "best-interests decisions": len(decisions),
        "IMCA referrals": len(referrals),
    }
