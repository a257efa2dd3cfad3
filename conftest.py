"""
Shared pytest fixtures.

Each test starts with an empty cache (sign-in rate limits, per address and per IP, are counted
there, and tests that ask for many codes would otherwise spend the next tests' allowance) and
in the default language: a Welsh page requested by an earlier test leaves Welsh active in the
thread, and `reverse()` would then give /cy/ addresses.
"""

import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _fresh_cache_and_language():
    cache.clear()
    translation.deactivate()
    yield
    translation.deactivate()
