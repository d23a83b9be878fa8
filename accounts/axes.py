"""django-axes hooks."""


def lockout_username(request, credentials) -> str:
    """Count failed sign-ins per email address whatever its capitals (ADR 4).

    Sign-in matches emails case-insensitively, so lockout must too, or changing the capitals
    would give an attacker fresh tries.
    """
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username", "")
    return (username or "").strip().lower()
