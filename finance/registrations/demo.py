"""The finance demo data, run by `manage.py seed_demo` after the core seed (called from
FinanceConfig.ready; cases cannot import finance, so finance registers with it)."""

from cases.demo.registry import register_demo_seeder


def register() -> None:
    from finance.demo import ORDER, seed_finance

    register_demo_seeder("finance", seed_finance, order=ORDER)
