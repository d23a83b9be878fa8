"""The AMHP service demo data, run by `manage.py seed_demo` after the core seed (called from
AmhpConfig.ready; cases cannot import amhp, so amhp registers with it)."""

from cases.demo.registry import register_demo_seeder

ORDER = 110  # after the Care Act seeder: the two touch different records


def register() -> None:
    from amhp.demo import seed_amhp

    register_demo_seeder("amhp", seed_amhp, order=ORDER)
