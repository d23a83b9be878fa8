"""The Care Act demo data, run by `manage.py seed_demo` after the core seed (called from
CareActConfig.ready; cases cannot import careact, so careact registers with it)."""

from cases.demo.registry import register_demo_seeder

ORDER = 100


def register() -> None:
    from careact.demo import seed_care_act

    register_demo_seeder("careact", seed_care_act, order=ORDER)
