"""Services for the AMHP rota (see amhp/services/__init__.py)."""

__all__: list[str] = []
