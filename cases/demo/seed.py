"""Build the whole demo partnership in one transaction (DESIGN.md section 8).

Seeds only an empty database (no organisations): a second run changes nothing. Seeders that
other apps registered (`registry`) run last, in the same transaction.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction

from accounts.models import Organisation

from .access import AccessSummary, grant_demo_access
from .organisations import build_partnership
from .people import generate_people, write_people
from .registry import DemoContext, registered_seeders


@dataclass
class SeedResult:
    staff: int
    people: int
    contacts: int
    access: AccessSummary
    seconds: float
    # {seeder name: {what it wrote: how many}} from the seeders other apps registered
    extras: dict[str, dict[str, int]] = field(default_factory=dict)


def demo_data_present() -> bool:
    return Organisation.objects.exists()


def seed_demo_data(
    *, people: int, seed: int, log: Callable[[str], None] = lambda message: None
) -> SeedResult | None:
    """Seed the demo data, or return None when the database already has organisations."""
    started = time.perf_counter()

    def step(message):
        log(f"{time.perf_counter() - started:7.1f}s  {message}")

    with transaction.atomic():
        if demo_data_present():
            return None
        partnership = build_partnership(random.Random(f"staff:{seed}"))
        staff = len({user.pk for members in partnership.staff.values() for user, _ in members})
        step(f"{staff} staff in {len(partnership.teams)} teams")
        plans = generate_people(people, seed)
        step(f"generated {len(plans)} people")
        people_count, contacts_count = write_people(plans)
        step(f"wrote {people_count} people and {contacts_count} contacts with history")
        access = grant_demo_access(plans, partnership, seed)
        step(
            f"wrote {access.team_cases} team cases, {access.referrals} referrals, "
            f"{access.allocations} allocations; {access.no_team} people held by no team"
        )
        context = DemoContext(seed=seed, people=people_count, plans=plans, partnership=partnership, log=step)
        extras = {}
        for seeder in registered_seeders():
            extras[seeder.name] = counts = seeder.fn(context)
            step(f"{seeder.name}: " + ", ".join(f"{count} {what}" for what, count in counts.items()))
    # After a bulk load the planner's statistics are empty; without them the search and
    # access queries pick poor plans until autovacuum gets round to the tables.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    step("refreshed the query planner's statistics")
    return SeedResult(
        staff=staff,
        people=people_count,
        contacts=contacts_count,
        access=access,
        seconds=time.perf_counter() - started,
        extras=extras,
    )
