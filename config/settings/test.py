"""Tests: real PostgreSQL (embedded when DATABASE_URL is unset), fast hashing, plain static files."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
OTP_REQUIRED = False
AXES_FAILURE_LIMIT = 5
