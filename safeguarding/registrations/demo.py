"""The safeguarding demo data, run by `manage.py seed_demo` after the core seed (cases
cannot import safeguarding, so safeguarding registers with it; called from register())."""

from cases.demo.registry import register_demo_seeder


def register() -> None:
    from safeguarding.demo import ORDER, seed_safeguarding

    register_demo_seeder("safeguarding", seed_safeguarding, order=ORDER)
