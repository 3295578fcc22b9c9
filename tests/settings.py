"""Settings for the test suite: the project's settings with a throwaway key and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("TASKS_BACKEND", "immediate")

from firstcontact.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# Tests clear the cache freely (rate-limit counters), with or without a database: an in-memory
# cache by default. The project's shared cache (settings.CACHES, DatabaseCache) stays as the
# "shared" alias, so test databases get its table as production ones do, and the rate-limit
# tests count in it (tests/portal/test_portal_rate_limits.py).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": CACHES["default"],  # noqa: F405
}

# Staff sign-in: most tests sign in with client.force_login() or client.login(), which give no
# second factor and (login) pass no request, which axes needs. So the second factor is optional
# (only logins that have set one up are asked) and axes is off; tests/accounts turn both on.
FIRSTCONTACT = {**FIRSTCONTACT, "STAFF_TWO_FACTOR": "optional"}  # noqa: F405
AXES_ENABLED = False
