"""The instruments and assessment cycles part of the API tests' world (see conftest.py)."""

from __future__ import annotations

import pytest

from smartplace.assessments.models import Cycle
from smartplace.assessments.services import participant_add
from smartplace.assessments.tests.factories import CycleFactory
from smartplace.assessments.tests.helpers import published_cycle
from smartplace.organisations.models import Organisation

MET, SHIRE = "Metropolitan district", "Non-metropolitan district"
FULL = {"L1": "yes", "L2": "yes", "L3": "quarterly", "D1": "yes", "D2": "spending;planning",
        "D3": "no", "S1": "over-75", "S2": "yes", "S3": "8", "S5": "yes"}
PEERS = {"ambridge": MET, "borchester": MET, "churchford": MET, "darrington": SHIRE,
         "edgeley": SHIRE}
#: 2026 answers: Ambridge and Borchester tie; Churchford answers S5 "not applicable".
ANSWERS_2026 = {
    "ambridge": {**FULL, "L3": "annually"},
    "borchester": {**FULL, "L3": "annually"},
    "churchford": {**FULL, "L1": "no", "L2": "no", "S5": "n/a"},
    "darrington": {**FULL, "D3": "yes"},
    "edgeley": {**FULL, "S1": "under-25", "S3": "25"},
}
ANSWERS_2025 = {
    "ambridge": {**FULL, "L2": "no", "L3": "none"},
    "borchester": {**FULL, "D2": "spending"},
    "churchford": {**FULL, "L1": "no"},
    "darrington": FULL,
    "edgeley": {**FULL, "S3": "15"},
}


@pytest.fixture
def assessments_world(world):
    """
    The worked example instrument (borsetshire-digital@2026) and three cycles of it: 2025 and
    2026 published with organisations named (2026 measures change from 2025), five councils
    in two peer groups; and 2027, open, where Ambridge is at the self-assessment stage with
    the world's member as a respondent. `real` maps path parameter names to values that
    exist, for the contract tests' steering (`answers_cycle`: the cycle for answering).
    """
    earlier = published_cycle(answers=ANSWERS_2025, peer=PEERS, slug="borsetshire-digital-2025",
                              name="Borsetshire digital 2025")
    current = published_cycle(answers=ANSWERS_2026, peer=PEERS, slug="borsetshire-digital-2026",
                              name="Borsetshire digital 2026", previous=earlier,
                              instrument=earlier.instrument)
    open_cycle = CycleFactory(slug="borsetshire-digital-2027", name="Borsetshire digital 2027",
                              instrument=earlier.instrument, previous=current,
                              status=Cycle.Status.OPEN)
    ambridge = participant_add(cycle=open_cycle,
                               organisation=Organisation.objects.get(slug="ambridge"),
                               scoring_group="district", respondents=[world["member"]])
    return {
        "instrument": earlier.instrument, "earlier": earlier, "current": current,
        "open": open_cycle, "ambridge": ambridge,
        "real": {"instrument": earlier.instrument.slug, "version": earlier.instrument.version,
                 "cycle": current.slug, "organisation": "ambridge",
                 "answers_cycle": open_cycle.slug},
    }
