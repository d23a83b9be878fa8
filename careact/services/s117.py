"""Services for s117 (see careact/services/__init__.py)."""

__all__: list[str] = []
