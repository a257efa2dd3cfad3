"""An import writes initiatives in bulk (no post_save): their overlaps are still brought up to
date, one by one for a small import and by a full recompute for a large one."""

import pytest

from smartplace.initiatives.models import Initiative
from smartplace.initiatives.tests.conftest import coalition  # noqa: F401 (fixture)
from smartplace.initiatives.tests.factories import InitiativeFactory
from smartplace.initiatives.tests.test_import import run
from smartplace.insights import overlap_updates, overlaps
from smartplace.insights.models_overlaps import (
    InitiativeVector,
    SimilarityState,
    SimilarPair,
)

pytestmark = pytest.mark.django_db

SOLAR = "Solar panels on the village hall, the school and the shop."


def _pairs_of(initiative: Initiative) -> set[int]:
    return ({p.b_id for p in SimilarPair.objects.filter(a=initiative)}
            | {p.a_id for p in SimilarPair.objects.filter(b=initiative)})


@pytest.mark.parametrize("recompute_above", [overlap_updates.RECOMPUTE_ABOVE, 1])
def test_imported_initiatives_get_their_overlaps(coalition, monkeypatch,  # noqa: F811
                                                 django_capture_on_commit_callbacks,
                                                 recompute_above):
    """Felpersham's solar roofs exist before the import; once the import of Ambridge's solar
    roofs commits, the two are paired and every imported initiative has a vector, whether
    the import queued updates (3 rows) or a full recompute (more than `RECOMPUTE_ABOVE`)."""
    monkeypatch.setattr(overlap_updates, "RECOMPUTE_ABOVE", recompute_above)
    felpersham = InitiativeFactory(title="Felpersham solar roofs",
                                   description=SOLAR + " Phase one.")
    InitiativeFactory(title="Real-time bus times", description="Live departure boards.")
    overlaps.overlaps_recompute()
    with django_capture_on_commit_callbacks(execute=True):
        run("valid.csv", coalition)
    # A full recompute refits the state on every initiative; updates leave it as it was.
    documents = SimilarityState.objects.get().documents
    assert documents == (2 + 3 if recompute_above == 1 else 2)
    solar = Initiative.objects.get(external_id="AMB-1")
    assert felpersham.pk in _pairs_of(solar)
    imported = Initiative.objects.filter(coalition=coalition).values("pk")
    assert InitiativeVector.objects.filter(initiative__in=imported).count() == 3


def test_an_import_that_changes_nothing_queues_nothing(coalition,  # noqa: F811
                                                       django_capture_on_commit_callbacks):
    """Re-importing the same file writes no initiative, so no overlap work is queued."""
    run("valid.csv", coalition)
    with django_capture_on_commit_callbacks() as callbacks:
        run("valid.csv", coalition)
    assert callbacks == []
