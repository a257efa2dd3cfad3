"""Each test starts with an empty cache: sign-in rate limits (per address, per IP) are counted
there, and tests that ask for many codes would otherwise spend the next tests' allowance."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
