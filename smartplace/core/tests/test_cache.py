"""The cache all processes share: the database by default, so sign-in limits hold in all."""

import json
import os
import subprocess
import sys

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.test import Client, override_settings

from smartplace.accounts.tests.helpers import request_code
from smartplace.core.apps import cache_table_ensure
from smartplace.people.tests.factories import UserFactory

DATABASE_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                              "LOCATION": "borsetshire_cache"}}


def _production_cache(**env: str) -> dict:
    """settings.CACHES["default"] as production reads it from `env`, in a fresh interpreter."""
    environment = {k: v for k, v in os.environ.items() if k != "SMARTPLACE_CACHE_URL"}
    environment.update(DJANGO_SECRET_KEY="borsetshire-" * 5, DJANGO_DEBUG="false", **env)
    result = subprocess.run(
        [sys.executable, "-c", "import json; from smartplace import settings; "
                               "print(json.dumps(settings.CACHES['default']))"],
        env=environment, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_production_caches_in_the_database_unless_told_otherwise():
    """Without SMARTPLACE_CACHE_URL the cache is a database table; the variable can name
    another shared cache."""
    assert _production_cache() == {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                   "LOCATION": "smartplace_cache"}
    other = _production_cache(SMARTPLACE_CACHE_URL="redis://cache.borsetshire.example:6379/0")
    assert "redis" in other["BACKEND"].lower()


@pytest.mark.django_db
def test_migrate_makes_the_cache_table():
    """After migrate (its post_migrate receiver) the database cache's table exists."""
    with override_settings(CACHES=DATABASE_CACHE):
        assert "borsetshire_cache" not in connection.introspection.table_names()
        cache_table_ensure(using="default")
        assert "borsetshire_cache" in connection.introspection.table_names()
        cache_table_ensure(using="default")  # again: nothing to do, no error


@pytest.mark.django_db
def test_sign_in_limits_are_counted_in_the_database():
    """Three codes a minute for an address: the counts are rows of the cache table, which every
    worker reads, so a fourth asked through a freshly opened cache is still refused."""
    with override_settings(CACHES=DATABASE_CACHE):
        cache_table_ensure(using="default")
        user = UserFactory()
        for _attempt in range(3):
            assert request_code(Client(), user.email).status_code == 302
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM borsetshire_cache")
            assert cursor.fetchone()[0] > 0
        caches.close_all()
        del caches["default"]  # the next use opens the cache anew, as another worker would
        assert isinstance(caches["default"], DatabaseCache)
        assert request_code(Client(), user.email).status_code == 429
