"""
Each test starts with an empty cache: sign-in rate limits (per address, per IP) are counted
there, and tests that ask for many codes would otherwise spend the next tests' allowance. And
each ends in the default language, whatever a Welsh page it requested left active.
"""

import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _fresh_rate_limits_and_language():
    cache.clear()
    yield
    translation.deactivate()
