"""`manage.py demo [--port 8000] [--people 2000]`: the product on this machine, one command.

Uses the default database (an embedded PostgreSQL in .demo/pgdata when DATABASE_URL is
unset), migrates it, seeds the demo partnership once (a second start reuses the data),
prints the demo logins and runs the development server on 127.0.0.1 (DESIGN.md section 9).
Celery runs tasks eagerly when REDIS_URL is unset, so nothing else needs to be running.
"""

import os
import signal
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation


class Command(BaseCommand):
    help = "Migrate, seed the demo data once, print the demo logins and run the server."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="Port on 127.0.0.1.")
        parser.add_argument(
            "--people",
            type=int,
            default=2000,
            help="How many people to seed on the first start (default 2000).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed for the data.")
        parser.add_argument(
            "--no-server", action="store_true", help="Prepare the database and print the logins, then stop."
        )

    def handle(self, *args, port, people, seed, no_server, **options):
        # The demo data generator lives in cases; imported here so that accounts does not
        # depend on cases when the product itself runs.
        from cases.demo.seed import seed_demo_data
        from cases.management.commands.seed_demo import print_demo_logins, refuse_production, sweep_due_work

        refuse_production()
        if not 0 < port < 65536:
            raise CommandError("--port must be between 1 and 65535")
        started = time.perf_counter()
        self.stdout.write(f"Database: {self._describe_database()}")
        self.stdout.write("Applying migrations...")
        call_command("migrate", interactive=False, verbosity=0)

        if Organisation.objects.exists():
            self.stdout.write("Demo data already present: reusing it.")
        else:
            self.stdout.write(f"Seeding the demo partnership with {people} people...")
            result = seed_demo_data(people=people, seed=seed, log=self.stdout.write)
            if result is not None:
                self.stdout.write(f"Seeded in {result.seconds:.1f}s.")
        sweep_due_work(self.stdout.write)

        self.stdout.write("")
        print_demo_logins(self.stdout.write)
        self.stdout.write("")
        elapsed = f"Ready in {time.perf_counter() - started:.1f}s."
        if no_server:
            self.stdout.write(self.style.SUCCESS(f"{elapsed} Start the site with bin/demo."))
            return
        self.stdout.write(self.style.SUCCESS(f"{elapsed} Open http://127.0.0.1:{port}/ (Ctrl-C to stop)."))
        # Stop cleanly on SIGTERM as on Ctrl-C, so the embedded PostgreSQL stops too.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)

    @staticmethod
    def _describe_database() -> str:
        if os.environ.get("DATABASE_URL"):
            db = settings.DATABASES["default"]
            return f"{db.get('NAME')} on {db.get('HOST') or 'a local socket'} (DATABASE_URL)"
        return "embedded PostgreSQL in .demo/pgdata (set DATABASE_URL to use another)"
