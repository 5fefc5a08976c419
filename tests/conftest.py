"""Project-wide test setup: settings for tests, and the factories' fixtures."""
import os

# Tests run with DEBUG on (demo accounts are allowed) unless a test says otherwise; everything else comes from
# the environment as in production: DATABASE_URL and REDIS_URL set means PostgreSQL and Redis.
os.environ.setdefault("DEBUG", "1")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Argon2 on every test login would dominate the suite's time; hashing strength is tested on its own.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
