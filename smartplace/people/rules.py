"""
Who may do what with coalitions, memberships and people (django-rules predicates).

`rules.apps.AutodiscoverRulesConfig` imports this module at start-up. Check permissions with
`request.user.has_perm("coalitions.manage_membership", coalition)`; active superusers pass every
check (Django's `User.has_perm`). The table in `docs/permissions.md` lists every permission and
is checked against these rules by `smartplace/initiatives/tests/test_rules.py`.

Every predicate takes the user and an object, and is false when the object is missing: a
permission without an object (as the Django admin asks for the model as a whole) is never
granted by these rules.
"""

from __future__ import annotations

import rules
from django.db.models import Q

from smartplace.people.models import Membership, Person

LIVE = [Membership.Status.REQUESTED, Membership.Status.ACTIVE]


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _memberships(user):
    return Membership.objects.filter(person__user=user)


def coalition_ids_where(user, *, coordinator: bool = False) -> set[int]:
    """Ids of the coalitions in which `user` is an active member (or an active coordinator)."""
    if not _signed_in(user):
        return set()
    memberships = _memberships(user).filter(status=Membership.Status.ACTIVE)
    if coordinator:
        memberships = memberships.filter(role=Membership.Role.COORDINATOR)
    return set(memberships.values_list("coalition_id", flat=True))


@rules.predicate
def is_active_member(user, coalition) -> bool:
    """The user is an active member of `coalition`, in any role."""
    if coalition is None or not _signed_in(user):
        return False
    return _memberships(user).filter(coalition=coalition,
                                     status=Membership.Status.ACTIVE).exists()


@rules.predicate
def is_coordinator(user, coalition) -> bool:
    """The user is an active coordinator of `coalition`."""
    if coalition is None or not _signed_in(user):
        return False
    return _memberships(user).filter(
        coalition=coalition, status=Membership.Status.ACTIVE, role=Membership.Role.COORDINATOR,
    ).exists()


@rules.predicate
def is_public_person(user, person) -> bool:
    """The person has consented to a public profile (the gate: `Person.objects.public()`)."""
    return person is not None and Person.objects.public().filter(pk=person.pk).exists()


@rules.predicate
def is_self(user, person) -> bool:
    """The person is the user's own."""
    return person is not None and _signed_in(user) and person.user_id == user.pk


@rules.predicate
def works_with(user, person) -> bool:
    """
    The user is an active member of a coalition in which `person` is an active member, or an
    active coordinator of a coalition the person belongs to or has asked to join.
    """
    if person is None or not _signed_in(user):
        return False
    mine = _memberships(user).filter(status=Membership.Status.ACTIVE)
    return Membership.objects.filter(
        Q(status=Membership.Status.ACTIVE, coalition__in=mine.values("coalition"))
        | Q(status__in=LIVE, coalition__in=mine.filter(
            role=Membership.Role.COORDINATOR).values("coalition")),
        person=person,
    ).exists()


@rules.predicate
def is_own_live_membership(user, membership) -> bool:
    """The membership is the user's own and still live (asked to join, or active)."""
    return (membership is not None and _signed_in(user)
            and membership.person.user_id == user.pk and membership.status in LIVE)


# Coalitions. (The coalitions app has no rules module: its permissions are about membership.)
rules.add_perm("coalitions.change_coalition", is_coordinator)
rules.add_perm("coalitions.manage_membership", is_coordinator)

# People. Names and profiles of people who have not consented stay inside their coalitions.
rules.add_perm("people.view_private", is_active_member)
rules.add_perm("people.view_person", is_public_person | is_self | works_with)
rules.add_perm("people.change_person", is_self)
rules.add_perm("people.leave_membership", is_own_live_membership)


def people_visible_to(user):
    """The people whose names `user` may see: `Person.objects.visible_to(user)`."""
    return Person.objects.visible_to(user)
