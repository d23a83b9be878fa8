"""Services for mca (see careact/services/__init__.py)."""

__all__: list[str] = []
