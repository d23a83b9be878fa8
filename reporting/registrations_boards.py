"""The board reports demo seeder (reporting.demo_boards), registered with `cases.demo` from
ReportingConfig.ready, after the governance and finance seeders whose records its report
reads."""


def register() -> None:
    from cases.demo.registry import register_demo_seeder

    from .demo_boards import ORDER, seed_boards

    register_demo_seeder("boards", seed_boards, order=ORDER)
