"""
Shared pytest fixtures.

Each test starts with an empty cache (sign-in rate limits, per address and per IP, are counted
there, and tests that ask for many codes would otherwise spend the next tests' allowance) and
in the default language: a Welsh page requested by an earlier test leaves Welsh active in the
thread, and `reverse()` would then give /cy/ addresses.

`client` and `admin_client` are `StreamingClient`s, whose `response.json()` also reads the
streamed `.json` twins.
"""

import pytest
from django.core.cache import cache
from django.utils import translation

from smartplace.core.tests.client import StreamingClient


@pytest.fixture(autouse=True)
def _fresh_cache_and_language():
    cache.clear()
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def client() -> StreamingClient:
    """A Django test client whose `response.json()` also reads streamed responses."""
    return StreamingClient()


@pytest.fixture
def admin_client(db, admin_user) -> StreamingClient:
    """`client`, signed in as a superuser."""
    client = StreamingClient()
    client.force_login(admin_user)
    return client
