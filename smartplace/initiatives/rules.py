"""
Who may see, add, change and delete initiatives (django-rules predicates).

Imported at start-up by `rules.apps.AutodiscoverRulesConfig`. The object of
`initiatives.add_initiative` and `initiatives.import_initiatives` (a file of
initiatives, from the web) is the coalition; the others take the initiative. Active superusers
pass every check. `docs/permissions.md` lists them all, and a test keeps it and these rules in
step.
"""

from __future__ import annotations

import rules

from smartplace.core.models import Visibility
from smartplace.people.rules import is_active_member, is_coordinator


@rules.predicate
def is_public(user, initiative) -> bool:
    """The initiative is public (the default)."""
    return initiative is not None and initiative.visibility == Visibility.PUBLIC


@rules.predicate
def is_member_of_its_coalition(user, initiative) -> bool:
    """The user is an active member of the initiative's coalition."""
    return initiative is not None and is_active_member(user, initiative.coalition)


@rules.predicate
def is_coordinator_of_its_coalition(user, initiative) -> bool:
    """The user is an active coordinator of the initiative's coalition."""
    return initiative is not None and is_coordinator(user, initiative.coalition)


rules.add_perm("initiatives.view_initiative", is_public | is_member_of_its_coalition)
rules.add_perm("initiatives.add_initiative", is_active_member)
rules.add_perm("initiatives.change_initiative", is_member_of_its_coalition)
rules.add_perm("initiatives.delete_initiative", is_coordinator_of_its_coalition)
rules.add_perm("initiatives.import_initiatives", is_coordinator)
