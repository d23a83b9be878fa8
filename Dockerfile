# The web, worker and beat image. Configuration comes only from environment variables.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.production

RUN apt-get update \
    && apt-get install -y --no-install-recommends libharfbuzz-subset0 libpango-1.0-0 \
       libpangoft2-1.0-0 fonts-liberation curl \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv \
    && useradd --create-home --uid 1000 app

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
# collectstatic needs a key to import the settings; it is not used for anything else.
RUN SECRET_KEY=build-only-$(head -c 40 /dev/urandom | base64 | tr -d '\n/+=') \
    DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --noinput

USER app
EXPOSE 8000
# Proxy headers (X-Forwarded-Proto) are trusted only from FORWARDED_ALLOW_IPS, which gunicorn
# reads from the environment: set it to the TLS proxy's address.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
