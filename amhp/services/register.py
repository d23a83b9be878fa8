"""Services for the AMHP register (see amhp/services/__init__.py)."""

__all__: list[str] = []
