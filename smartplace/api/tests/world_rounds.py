"""The fitness rounds part of the API tests' world (see conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def rounds_world(world):
    """
    Rounds in the "ambridge" coalition. `real` maps path parameter names to values that
    exist, for the contract tests' steering.
    """
    return {"real": {}}
