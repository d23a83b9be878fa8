"""Health endpoint: the database always; Redis and a Celery worker when Redis is configured.

Built on django-health-check. Answers JSON to `?format=json` or `Accept: application/json`,
and is open without sign-in so load balancers and docker-compose can probe it.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from health_check.views import HealthCheckView


def _checks():
    checks = ["health_check.checks.Database"]
    if settings.REDIS_URL:
        from redis.asyncio import Redis as RedisClient

        url = settings.REDIS_URL
        checks.append(
            ("health_check.contrib.redis.Redis", {"client_factory": lambda: RedisClient.from_url(url)})
        )
        checks.append("health_check.contrib.celery.Ping")
    return checks


class ProductHealthView(HealthCheckView):
    def get_checks(self):
        self.checks = _checks()
        return super().get_checks()


health = login_not_required(ProductHealthView.as_view())
