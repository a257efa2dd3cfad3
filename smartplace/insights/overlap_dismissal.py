"""
Dismissals of overlap pairs ("not the same"): who may dismiss a pair (`overlap_can_dismiss`) and
recording it (`overlap_dismiss`). Dismissals are kept apart from the pairs that
`smartplace.insights.overlaps` computes, so recomputing never brings a dismissed pair back;
undoing one is in `overlap_pages`.
"""

from django.db import transaction

from smartplace.initiatives.models import Initiative
from smartplace.insights.models_overlaps import OverlapDismissal
from smartplace.insights.rules import InitiativePair
from smartplace.people.models import Person


class DismissError(Exception):
    """The pair may not be dismissed by this person; the message says why."""


def _ordered(a: Initiative, b: Initiative) -> tuple[Initiative, Initiative]:
    return (a, b) if a.pk < b.pk else (b, a)


def overlap_can_dismiss(*, user, a: Initiative, b: Initiative) -> bool:
    """Whether `user` may mark the pair "not the same" or undo it: `insights.dismiss_overlap`
    (an active member of either initiative's coalition who may see both; insights/rules.py)."""
    return user is not None and user.has_perm("insights.dismiss_overlap", InitiativePair(a, b))


@transaction.atomic
def overlap_dismiss(*, user, a: Initiative, b: Initiative, note: str = "") -> OverlapDismissal:
    """
    Record that `a` and `b` are not the same work, so the pair stays hidden on every page and
    after every recomputation. Raises DismissError if `user` may not (see
    `overlap_can_dismiss`). Dismissing a dismissed pair again keeps the first dismissal.
    """
    if a.pk == b.pk:
        raise DismissError("An initiative cannot be dismissed as a duplicate of itself.")
    if not overlap_can_dismiss(user=user, a=a, b=b):
        raise DismissError("Only members of either initiative's coalition can dismiss a pair.")
    first, second = _ordered(a, b)
    person = Person.objects.filter(user=user).first()
    dismissal, _created = OverlapDismissal.objects.get_or_create(
        a=first, b=second, defaults={"dismissed_by": person, "note": note.strip()[:2000]})
    return dismissal
