"""Services for the AMHP requests (see amhp/services/__init__.py)."""

__all__: list[str] = []
