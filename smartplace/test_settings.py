"""Settings for the test suite: production settings with a test secret and plain HTTP."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production")

from smartplace.settings import *  # noqa: E402,F403
from smartplace.settings import STORAGES  # noqa: E402

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# A per-process cache, which conftest.py empties before each test (no table to empty); the
# database cache of production is tested in smartplace/core/tests/test_cache.py.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Other apps' tests sign coordinators in with force_login; the tests of the requirement turn it
# on (smartplace/accounts/tests/test_mfa.py).
SMARTPLACE_MFA_REQUIRED_FOR_COORDINATORS = False
