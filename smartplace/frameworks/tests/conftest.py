"""The smart questions tests' world (`question_world.Ambridge`) as the `world` fixture."""

import pytest

from smartplace.frameworks.tests.question_world import Ambridge


@pytest.fixture
def world(db) -> Ambridge:
    return Ambridge()
