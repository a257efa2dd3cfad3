"""The instruments and assessment cycles part of the API tests' world (see conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def assessments_world(world):
    """
    Instruments and assessment cycles. `real` maps path parameter names to values that
    exist, for the contract tests' steering.
    """
    return {"real": {}}
