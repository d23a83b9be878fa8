"""Tests: real PostgreSQL (embedded when DATABASE_URL is unset), fast hashing, plain static files."""

import os

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
OTP_REQUIRED = False
AXES_FAILURE_LIMIT = 5

# The test runner empties tables between transactional tests with TRUNCATE, which the
# access log otherwise refuses (cases migration 0004). Only test connections set this.
_db_options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
_db_options["options"] = f"{_db_options.get('options', '')} -c mhsc.allow_truncate=on".strip()

# Several test runs against one server (parallel work, CI) can each name their own database.
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}  # noqa: F405
