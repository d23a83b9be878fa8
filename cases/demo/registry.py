"""Extra demo seeders from the apps built on `cases` (DESIGN.md section 8).

`cases` may not import the apps that depend on it (accounts <- cases <- careact), so those
apps register a seeder here from their AppConfig.ready and `seed.py` runs every registered
seeder, in `order`, after its own steps and in the same transaction.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass

from .organisations import Partnership
from .people import PersonPlan


@dataclass(frozen=True)
class DemoContext:
    """What the core seed built, handed to each registered seeder.

    `plans` are the generated people, saved (each `plan.person.pk` is set), in the order the
    access step gave them cases; query `cases.models.Case` for the cases themselves.
    """

    seed: int
    people: int
    plans: list[PersonPlan]
    partnership: Partnership
    log: Callable[[str], None]

    def rng(self, name: str) -> random.Random:
        """A generator of its own for each seeder (and step), so one seeder's draws never
        shift another's: the same seed gives the same data whatever else is registered."""
        return random.Random(f"{name}:{self.seed}")


SeederFn = Callable[[DemoContext], dict[str, int]]


@dataclass(frozen=True)
class DemoSeeder:
    name: str
    fn: SeederFn  # returns {what it wrote: how many}, for the command's report
    order: int


_seeders: dict[str, DemoSeeder] = {}


def register_demo_seeder(name: str, fn: SeederFn, order: int = 100) -> None:
    """Run `fn` after the core demo data. Registering a name again replaces it (ready()
    may run more than once in tests)."""
    _seeders[name] = DemoSeeder(name=name, fn=fn, order=order)


def unregister_demo_seeder(name: str) -> None:
    _seeders.pop(name, None)


def registered_seeders() -> list[DemoSeeder]:
    return sorted(_seeders.values(), key=lambda seeder: (seeder.order, seeder.name))
