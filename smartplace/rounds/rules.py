"""
Who may open, close, follow and rate fitness assessment rounds (django-rules predicates).

Imported at start-up by `rules.apps.AutodiscoverRulesConfig`. `rounds.add_round` takes the
coalition; the others take the round. Coordinators and the steering group see an open round's
provisional figures. Active superusers pass every check (Django's `User.has_perm`), but only a
person with an active membership can actually rate: the rating service checks eligibility
itself. The table in docs/rounds.md lists them and
`smartplace/rounds/tests/test_rules.py` keeps it and these rules in step.
"""

from __future__ import annotations

import rules
from django.db.models import Q

from smartplace.people.models import Membership, Person
from smartplace.people.rules import is_active_member, is_coordinator


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def eligible_domain_ids(*, person: Person | None, round_) -> set[int]:
    """
    The ids of the round's domains `person` may rate: none unless they are an active member of
    the round's coalition; then every domain in scope when the round is open to all members,
    otherwise those in scope that the person said they know about.
    """
    if person is None or round_ is None:
        return set()
    if not Membership.objects.filter(person=person, coalition_id=round_.coalition_id,
                                     status=Membership.Status.ACTIVE).exists():
        return set()
    in_scope = round_.domains.all()
    if round_.eligibility == round_.Eligibility.KNOWS_DOMAIN:
        in_scope = in_scope.filter(Q(people=person))
    return set(in_scope.values_list("pk", flat=True))


@rules.predicate
def is_coordinator_of_its_coalition(user, round_) -> bool:
    """The user is an active coordinator of the round's coalition."""
    return round_ is not None and is_coordinator(user, round_.coalition)


@rules.predicate
def is_steering_group_of_its_coalition(user, round_) -> bool:
    """The user is an active member of the round's coalition with the role "steering group"."""
    if round_ is None or not _signed_in(user):
        return False
    return Membership.objects.filter(
        person__user=user, coalition_id=round_.coalition_id, status=Membership.Status.ACTIVE,
        role=Membership.Role.STEERING,
    ).exists()


@rules.predicate
def is_member_of_its_coalition(user, round_) -> bool:
    """The user is an active member of the round's coalition."""
    return round_ is not None and is_active_member(user, round_.coalition)


@rules.predicate
def is_eligible_rater(user, round_) -> bool:
    """The user is an active member who may rate at least one domain of the round."""
    if round_ is None or not _signed_in(user):
        return False
    person = Person.objects.filter(user=user).first()
    return bool(eligible_domain_ids(person=person, round_=round_))


rules.add_perm("rounds.add_round", is_coordinator)
rules.add_perm("rounds.close_round", is_coordinator_of_its_coalition)
# The steering group sees the consolidated picture while a round is open, as coordinators do.
rules.add_perm("rounds.view_provisional_results",
               is_coordinator_of_its_coalition | is_steering_group_of_its_coalition)
rules.add_perm("rounds.rate_round", is_eligible_rater)
