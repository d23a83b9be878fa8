from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "People and cases"

    def ready(self):
        from .registrations import casework, public, referrals, reminders

        for area in (referrals, casework, public, reminders):
            area.register()
        from accounts.models import Role
        from accounts.registry import NavItem, Panel, register_home_panel, register_nav
        from accounts.selectors import can_see_person_data, has_role

        from .selectors import recently_opened, unreviewed_break_glass_count

        register_nav(NavItem("Find a person", "cases:person_search", allowed=can_see_person_data, order=10))
        register_nav(
            NavItem(
                "Emergency access reviews",
                "cases:break_glass_reviews",
                allowed=lambda user: has_role(user, Role.PRIVACY_OFFICER),
                order=80,
                active_prefix="/people/emergency-access/reviews/",
            )
        )
        register_home_panel(
            Panel(
                key="recently_opened",
                template="cases/panels/recently_opened.html",
                context=lambda request: {"recent": recently_opened(request.user)},
                allowed=can_see_person_data,
                order=10,
            )
        )
        register_home_panel(
            Panel(
                key="break_glass_reviews",
                template="cases/panels/break_glass_waiting.html",
                context=lambda request: {"waiting": unreviewed_break_glass_count()},
                allowed=lambda user: has_role(user, Role.PRIVACY_OFFICER),
                order=5,
            )
        )
