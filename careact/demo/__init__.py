"""Care Act demo data: assessments, plans, reviews, carers, s117 and MCA records for the
people the core seed gave open cases (DESIGN.md section 8). Registered with `cases.demo` by
careact.registrations.demo and run inside `manage.py seed_demo`.

Deterministic for a seed and a day: each step draws from its own generator, and every date
counts back from today. Everything is written with bulk inserts. No reminders are created:
the reminder sweep derives them from these records.
"""

from datetime import timedelta

from careact.models import (
    AdvocacyReferral,
    Assessment,
    AssessmentKind,
    AssessmentTransition,
    CarePlan,
    PlanTransition,
    Review,
)
from cases.demo.registry import DemoContext

from .bulk import copy_rows
from .carers import add_carers
from .common import build_world, workday
from .journeys import ANCHOR_SCENARIOS, SCENARIOS, Book, JourneyMaker, Spec
from .registers import seed_mca, seed_s117

ASSESSED_SHARE = 0.7  # of open allocated cases: a needs assessment


def seed_care_act(context: DemoContext) -> dict[str, int]:
    world = build_world(context)
    book = Book()
    maker = JourneyMaker(book, world.today, context.rng("careact:journeys"))
    rng = context.rng("careact:cases")
    names, weights = [name for name, _ in SCENARIOS], [weight for _, weight in SCENARIOS]
    for case in world.cases:
        manager = world.managers.get(case.team_id)
        if case.worker_id is None or manager is None:
            continue
        if case.anchor is None and rng.random() >= ASSESSED_SHARE:
            continue
        scenario = (
            ANCHOR_SCENARIOS[case.anchor] if case.anchor is not None else rng.choices(names, weights)[0]
        )
        maker.make(
            Spec(
                kind=AssessmentKind.NEEDS,
                person_id=case.person_id,
                cared_for_id=None,
                case=case,
                worker_id=case.worker_id,
                manager_id=manager.pk,
                older=case.plan.older,
                scenario=scenario,
                earliest=workday(case.opened + timedelta(days=1)),
            )
        )
    carers = add_carers(world, book, maker, context.rng("careact:carers"))
    context.log(
        f"careact: drew {len(book.assessments)} assessments and {len(book.plans)} plans; {carers} carers"
    )
    counts = {"carers": carers} | write_book(book)
    context.log(f"careact: wrote {counts['assessments']} assessments and {counts['plans']} plans")
    counts |= seed_s117(world, context.rng("careact:s117"))
    counts |= seed_mca(world, context.rng("careact:mca"))
    return counts


def write_book(book: Book) -> dict[str, int]:
    """Insert versions in order (a reassessment points at the version it replaces), then the
    transition rows; created_at and updated_at are when things happened."""
    for written in (*book.assessments, *book.plans):
        written.obj["created_at"], written.obj["updated_at"] = written.created, written.updated
    for version in (1, 2):
        copy_rows(
            Assessment, [w.obj for w in book.assessments if w.obj["version_number"] == version], history=True
        )
    copy_rows(AssessmentTransition, _transitions("assessment", book.assessments))
    for version in (1, 2):
        copy_rows(CarePlan, [w.obj for w in book.plans if w.obj["version_number"] == version], history=True)
    copy_rows(Review, book.reviews, history=True)
    copy_rows(PlanTransition, _transitions("plan", book.plans))
    copy_rows(AdvocacyReferral, book.advocacy)
    return {
        "assessments": len(book.assessments),
        "plans": len(book.plans),
        "reviews": len(book.reviews),
        "assessment transitions": sum(len(w.events) for w in book.assessments),
        "plan transitions": sum(len(w.events) for w in book.plans),
        "Care Act advocacy referrals": len(book.advocacy),
    }


def _transitions(name: str, records) -> list[dict]:
    """Transition rows; a reason or details given as a function names ids known only now."""
    keys = ("event", "from_status", "to_status", "actor_id", "at", "reason", "details")
    rows = []
    for written in records:
        for event in written.events:
            row = dict(zip(keys, (value() if callable(value) else value for value in event), strict=True))
            rows.append({name: written.obj, **row})
    return rows
