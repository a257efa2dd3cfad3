"""
Who may mark two initiatives "not the same" (django-rules predicates).

Imported at start-up by `rules.apps.AutodiscoverRulesConfig`. `insights.dismiss_overlap` takes
an `InitiativePair`: an active member of either initiative's coalition who may see both may
mark the pair, or undo the mark. Active superusers pass every check. The table in
docs/permissions.md has its rows, checked cell by cell by
`smartplace/initiatives/tests/test_rules.py`.
"""

from __future__ import annotations

from typing import NamedTuple

import rules

from smartplace.initiatives.models import Initiative
from smartplace.people.rules import is_active_member


class InitiativePair(NamedTuple):
    """Two initiatives the overlap report shows as possibly the same work."""

    a: Initiative
    b: Initiative


@rules.predicate
def is_member_of_either_coalition(user, pair) -> bool:
    """The user is an active member of the coalition of either initiative."""
    return pair is not None and (is_active_member(user, pair.a.coalition)
                                 or is_active_member(user, pair.b.coalition))


@rules.predicate
def may_see_both(user, pair) -> bool:
    """The user may see both initiatives (a private one only within its coalition)."""
    return pair is not None and all(user.has_perm("initiatives.view_initiative", item)
                                    for item in pair)


rules.add_perm("insights.dismiss_overlap", is_member_of_either_coalition & may_see_both)
