from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Who works where"

    def ready(self):
        from .registry import NavItem, Panel, register_home_panel, register_nav
        from .selectors import current_memberships

        register_nav(NavItem("Home", "accounts:home", allowed=lambda user: True, order=0, active_prefix="/"))
        register_nav(NavItem("Administration", "admin:index", allowed=lambda user: user.is_staff, order=900))
        register_home_panel(
            Panel(
                key="teams",
                template="accounts/panels/teams.html",
                context=lambda request: {"memberships": current_memberships(request.user)},
                order=0,
            )
        )
