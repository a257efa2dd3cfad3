"""
Who may make a dated release of a dataset (django-rules predicates).

Imported at start-up by `rules.apps.AutodiscoverRulesConfig`. `opendata.make_release` takes the
dataset's object: a coalition (its active coordinators) or an assessment cycle (its
coordinators). Active superusers pass every check. Its rows are in the tables of
docs/permissions.md (coalition) and docs/assessments.md (cycle), checked cell by cell by those
apps' `test_rules.py`.
"""

from __future__ import annotations

import rules

from smartplace.assessments.models import Cycle
from smartplace.assessments.rules import is_cycle_coordinator
from smartplace.coalitions.models import Coalition
from smartplace.people.rules import is_coordinator


@rules.predicate
def coordinates_the_dataset(user, obj) -> bool:
    """The user coordinates the coalition, or the assessment cycle, the dataset is of."""
    if isinstance(obj, Coalition):
        return is_coordinator(user, obj)
    if isinstance(obj, Cycle):
        return is_cycle_coordinator(user, obj)
    return False


rules.add_perm("opendata.make_release", coordinates_the_dataset)
