"""A small fixed-window rate limit per client IP, counted in Django's cache.

With Redis (REDIS_URL set) every web process shares one count; with the local memory cache
each process counts on its own, which is enough for the demo. Client addresses are hashed
before they become cache keys, so no address is stored.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the address the nearest trusted proxy saw.

    Only the last RATELIMIT_TRUSTED_PROXIES entries of X-Forwarded-For were written by our
    own proxies; anything further left can be forged by the client, so it is never used.
    """
    trusted = getattr(settings, "RATELIMIT_TRUSTED_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= trusted:
            return hops[-trusted]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(scope: str, ip: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


class RateLimit:
    """At most `limit` hits per `window` seconds for one scope and client address."""

    def __init__(self, scope: str, *, limit: int, window: int):
        self.scope, self.limit, self.window = scope, limit, window

    def is_exceeded(self, request) -> bool:
        """Whether the client has already used every hit in this window."""
        try:
            return (cache.get(_key(self.scope, client_ip(request))) or 0) >= self.limit
        except Exception:  # the cache (Redis) is down: a person in need is never turned away
            logger.warning("Rate limit cache unavailable; letting the request through", exc_info=True)
            return False

    def hit(self, request) -> bool:
        """Count one hit; False if it is over the limit (the caller must then refuse it)."""
        key = _key(self.scope, client_ip(request))
        try:
            cache.add(key, 0, timeout=self.window)  # starts the window; a no-op if it is running
            try:
                count = cache.incr(key)
            except ValueError:  # the window ended between add and incr
                cache.add(key, 1, timeout=self.window)
                count = 1
        except Exception:  # the cache (Redis) is down: count nothing rather than refuse help
            logger.warning("Rate limit cache unavailable; not counting this request", exc_info=True)
            return True
        return count <= self.limit

    def reset(self, ip: str) -> None:
        cache.delete(_key(self.scope, ip))
