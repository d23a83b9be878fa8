"""`manage.py seed_demo --people N --seed S`: a believable fictional partnership.

Seeds only an empty database; when organisations exist it says so and changes nothing.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.demo.organisations import DEMO_PASSWORD, demo_logins
from cases.demo.seed import seed_demo_data

__all__ = ["DEMO_PASSWORD", "Command", "demo_logins", "print_demo_logins", "refuse_production"]

DEFAULT_PEOPLE = 2000
DEFAULT_SEED = 2026
# The 999 test range holds about 909,000 valid NHS numbers; tests' factories use those from
# the 500,000th on, so the demo stays below that.
MAX_PEOPLE = 500_000


def refuse_production() -> None:
    """Demo logins share a published password: never create them with production settings."""
    if settings.SETTINGS_MODULE.endswith(".production"):
        raise CommandError(
            "Demo data has logins with a published password; it is never seeded with "
            "production settings. Use config.settings.local."
        )


def print_demo_logins(write) -> None:
    """Write the demo logins table and the shared password with `write` (one line a call)."""
    rows = demo_logins()
    width = max(len(label) for label, _ in rows)
    write("Demo logins (all with the same password):")
    for label, email in rows:
        write(f"  {label:<{width}}  {email}")
    write(f"  Password: {DEMO_PASSWORD}")


class Command(BaseCommand):
    help = "Seed an empty database with a fictional partnership, staff and people."

    def add_arguments(self, parser):
        parser.add_argument(
            "--people",
            type=int,
            default=DEFAULT_PEOPLE,
            help=f"How many people to create (default {DEFAULT_PEOPLE}).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Random seed; the same seed gives the same data (default {DEFAULT_SEED}).",
        )

    def handle(self, *args, people, seed, **options):
        refuse_production()
        if not 0 <= people <= MAX_PEOPLE:
            raise CommandError(f"--people must be between 0 and {MAX_PEOPLE}")
        result = seed_demo_data(people=people, seed=seed, log=self.stdout.write)
        if result is None:
            self.stdout.write("Demo data already present: nothing changed.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seeded {result.people} people, {result.contacts} contacts and "
                    f"{result.staff} staff in {result.seconds:.1f}s (seed {seed})."
                )
            )
            for name, counts in result.extras.items():
                self.stdout.write(f"  {name}: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
        sweep_due_work(self.stdout.write)
        print_demo_logins(self.stdout.write)


def sweep_due_work(log) -> None:
    """Derive today's reminders, as the 06:00 sweep would: the demo has no beat, and a demo
    restarted days later should show the work due that day (the sweep is idempotent)."""
    from cases.due_work import run_sweep

    results = run_sweep()
    created = sum(counts.get("created", 0) for counts in results.values())
    log(f"Reminders: {created} new from the due-work sweep.")
