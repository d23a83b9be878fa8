"""Services for assessments (see careact/services/__init__.py)."""

__all__: list[str] = []
