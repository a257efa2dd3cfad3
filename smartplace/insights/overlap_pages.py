"""
For the overlap pages, beside the computation in `smartplace.insights.overlaps`: the report's
pages of groups, the pairs members marked as "not the same" (`OverlapDismissal`), which a
coalition's members see on its overlap report, undoing such a mark so that the pair is shown
again, and what the method page says about the stored state.

Dismissals are members' working notes, not public data: only those who may dismiss see them
(`overlap_can_dismiss`), and only pairs whose two initiatives they may see. Dismissals are not
in the audit history (django-simple-history does not track `OverlapDismissal`): undoing one
deletes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from smartplace.coalitions.models import Coalition
from smartplace.initiatives.models import Initiative
from smartplace.insights.models_overlaps import OverlapDismissal, SimilarityState, SimilarPair
from smartplace.insights.overlap_dismissal import DismissError, overlap_can_dismiss
from smartplace.insights.overlap_reads import OverlapGroup
from smartplace.insights.overlaps import OverlapMethod
from smartplace.people.models import Membership


def overlap_group_pages(groups: Sequence[OverlapGroup], *, pairs: int) -> list[list[OverlapGroup]]:
    """
    The report's groups cut into pages, in order, without splitting a group: a page takes
    groups while their pairs come to at most `pairs`, and a group larger than that has a page
    of its own. The pages of a large coalition then weigh about the same, although its first
    groups are far larger than its last (the Scottish councils' largest group has 278 pairs,
    most have one).
    """
    pages: list[list[OverlapGroup]] = []
    current: list[OverlapGroup] = []
    size = 0
    for group in groups:
        weight = max(1, len(group.pairs))
        if current and size + weight > pairs:
            pages.append(current)
            current, size = [], 0
        current.append(group)
        size += weight
    if current:
        pages.append(current)
    return pages


@dataclass(frozen=True)
class DismissedPair:
    """A pair marked as not the same: who marked it (None: not to be named here), when, why."""

    a: Initiative
    b: Initiative
    at: datetime
    note: str
    by: str | None
    score: float | None

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(self.score * 100)


def overlap_dismissal_list(*, coalition: Coalition, user) -> list[DismissedPair]:
    """
    The dismissed pairs with at least one initiative in `coalition` and both visible to
    `user`, newest first; empty for anyone who is not an active member of the coalition (or a
    superuser). Who dismissed a pair is named when their profile is public or they are a
    member of this coalition (whose members may see each other's names), otherwise not. A
    fixed number of queries.
    """
    if not (user is not None and user.is_authenticated and user.is_active):
        return []
    if not user.is_superuser and not Membership.objects.filter(
            person__user=user, coalition=coalition,
            status=Membership.Status.ACTIVE).exists():
        return []
    visible = Initiative.objects.visible_to(user).values("pk")
    in_coalition = Initiative.objects.filter(coalition=coalition).values("pk")
    dismissals = list(
        OverlapDismissal.objects.filter(a__in=visible, b__in=visible)
        .filter(Q(a__in=in_coalition) | Q(b__in=in_coalition))
        .select_related("a__coalition", "a__lead_organisation", "b__coalition",
                        "b__lead_organisation", "dismissed_by")
        .order_by("-at", "-pk"))
    if not dismissals:
        return []
    people = {d.dismissed_by_id for d in dismissals if d.dismissed_by_id}
    members = set(Membership.objects.filter(person__in=people, coalition=coalition)
                  .values_list("person_id", flat=True))
    wanted = {(d.a_id, d.b_id) for d in dismissals}
    scores = {(a, b): score for a, b, score in SimilarPair.objects.filter(
        a_id__in={a for a, _b in wanted}, b_id__in={b for _a, b in wanted},
    ).values_list("a_id", "b_id", "score") if (a, b) in wanted}

    def named(dismissal: OverlapDismissal) -> str | None:
        person = dismissal.dismissed_by
        if person is None or not (person.public_profile or person.pk in members):
            return None
        return person.name

    return [DismissedPair(a=d.a, b=d.b, at=d.at, note=d.note, by=named(d),
                          score=scores.get((d.a_id, d.b_id))) for d in dismissals]


@transaction.atomic
def overlap_undismiss(*, user, a: Initiative, b: Initiative) -> bool:
    """
    Undo "not the same" for the pair `a`, `b`: it is shown again wherever it reaches the
    threshold. Anyone who may dismiss the pair may undo it (`overlap_can_dismiss`); otherwise
    DismissError. Returns whether there was a dismissal to undo.
    """
    if not overlap_can_dismiss(user=user, a=a, b=b):
        raise DismissError("Only members of either initiative's coalition can undo this.")
    first, second = (a, b) if a.pk < b.pk else (b, a)
    deleted, _by_model = OverlapDismissal.objects.filter(a=first, b=second).delete()
    return bool(deleted)


def overlap_state_facts(*, method: OverlapMethod) -> dict | None:
    """When `method`'s state was last fitted and on how many initiatives (None: never)."""
    return (SimilarityState.objects.filter(method=method.version)
            .values("fitted_at", "documents").first())
