"""
What the overlap pages read from the pairs that `smartplace.insights.overlaps` stores: the
initiatives similar to one ("others working on this") and a coalition's overlap report, its
pairs grouped around the initiative with most pairs (docs/insights-gaps.md).

Privacy: a pair is only ever read for someone who may see both of its initiatives
(`Initiative.objects.visible_to(user)`), and never once it is dismissed ("not the same"); only
the configured method's pairs are read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from smartplace.coalitions.models import Coalition
from smartplace.initiatives.models import Initiative
from smartplace.insights.models_overlaps import OverlapDismissal, SimilarityState, SimilarPair
from smartplace.insights.overlaps import CONFIG, TFIDF, OverlapMethod, overlap_method
from smartplace.methods.similarity import METHOD_VERSION
from smartplace.people.models import Membership


def _visible_pairs(user, method: OverlapMethod) -> QuerySet[SimilarPair]:
    """
    Pairs of `method` at or above its threshold whose two initiatives `user` may see, not
    dismissed. Pairs of another method (before the recompute after a switch) are never read.
    """
    visible = Initiative.objects.visible_to(user).values("pk")
    dismissed = OverlapDismissal.objects.filter(a=OuterRef("a"), b=OuterRef("b"))
    return (SimilarPair.objects.filter(method=method.version, score__gte=method.threshold,
                                       a__in=visible, b__in=visible)
            .exclude(Exists(dismissed)))


@dataclass(frozen=True)
class SimilarInitiative:
    """One initiative similar to another, with the score of the pair."""

    initiative: Initiative
    score: float

    @property
    def percent(self) -> int:
        return round(self.score * 100)


@dataclass
class SimilarList:
    """
    The initiatives like one initiative: in its coalition, and in other coalitions, found by
    `similarity` (the method, its label and threshold, for the page to say).
    """

    initiative: Initiative
    same_coalition: list[SimilarInitiative] = field(default_factory=list)
    other_coalitions: list[SimilarInitiative] = field(default_factory=list)
    can_dismiss: bool = False
    similarity: OverlapMethod = TFIDF

    def __bool__(self) -> bool:
        return bool(self.same_coalition or self.other_coalitions)


def similar_for_initiative(*, initiative: Initiative, user, limit: int = 10) -> SimilarList:
    """
    The initiatives most like `initiative` that `user` may see, best first, at most `limit` in
    each group, without dismissed pairs. `can_dismiss` is true for an active member of the
    initiative's coalition. Three queries.
    """
    method = overlap_method()
    pairs = list(_visible_pairs(user, method).filter(Q(a=initiative) | Q(b=initiative))
                 .order_by("-score", "a_id", "b_id")
                 .values_list("a_id", "b_id", "score")[: 2 * limit])
    other_ids = {b if a == initiative.pk else a: score for a, b, score in pairs}
    others = Initiative.objects.filter(pk__in=list(other_ids)).select_related(
        "coalition", "lead_organisation")
    result = SimilarList(initiative=initiative, similarity=method)
    for other in sorted(others, key=lambda o: (-other_ids[o.pk], o.title, o.pk)):
        item = SimilarInitiative(initiative=other, score=other_ids[other.pk])
        group = (result.same_coalition if other.coalition_id == initiative.coalition_id
                 else result.other_coalitions)
        if len(group) < limit:
            group.append(item)
    result.can_dismiss = bool(result) and user is not None and user.is_authenticated and (
        user.is_superuser or Membership.objects.filter(
            person__user=user, status=Membership.Status.ACTIVE,
            coalition_id=initiative.coalition_id).exists())
    return result


@dataclass(frozen=True)
class OverlapPair:
    """A pair in a coalition's report."""

    a: Initiative
    b: Initiative
    score: float
    group: int

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def across_coalitions(self) -> bool:
        return self.a.coalition_id != self.b.coalition_id


@dataclass
class OverlapGroup:
    """Initiatives grouped around the one most like the others (its centre)."""

    number: int
    centre: Initiative
    members: list[Initiative]
    pairs: list[OverlapPair] = field(default_factory=list)

    @property
    def lead_organisations(self) -> set[int]:
        return {m.lead_organisation_id for m in self.members if m.lead_organisation_id}


@dataclass
class OverlapReport:
    """
    A coalition's overlaps: pairs above the threshold, grouped. `similarity` is the method that
    found them (`method` its version, `threshold` its threshold); `computed` is false before
    the first recompute with it.
    """

    coalition: Coalition
    groups: list[OverlapGroup]
    pairs: list[OverlapPair]
    threshold: float = CONFIG.threshold
    method: str = METHOD_VERSION
    computed: bool = True
    similarity: OverlapMethod = TFIDF


def group_pairs(pairs: Iterable[tuple[int, int, float]]) -> list[tuple[int, list[int]]]:
    """
    Groups of items from scored pairs: repeatedly, the item with the most pairs among the
    items not yet grouped (ties: higher total score, then smaller id) becomes a centre and takes
    every ungrouped item it is paired with. Every member of a group is similar to its centre,
    so a long chain of loosely linked items never becomes one group. Returns (centre, members)
    with the centre first in members: biggest groups first, then those with the closest pair.
    """
    neighbours: dict[int, dict[int, float]] = {}
    for a, b, score in pairs:
        neighbours.setdefault(a, {})[b] = score
        neighbours.setdefault(b, {})[a] = score
    grouped: set[int] = set()
    groups = []
    order = sorted(neighbours, key=lambda x: (-len(neighbours[x]),
                                              -sum(neighbours[x].values()), x))
    for centre in order:
        if centre in grouped:
            continue
        members = [centre] + sorted((x for x in neighbours[centre] if x not in grouped),
                                    key=lambda x: (-neighbours[centre][x], x))
        if len(members) < 2:
            continue
        grouped.update(members)
        groups.append((centre, members))
    best = {centre: max(neighbours[centre][m] for m in members[1:])
            for centre, members in groups}
    return sorted(groups, key=lambda g: (-len(g[1]), -best[g[0]], g[0]))


def overlap_report(*, coalition: Coalition, user) -> OverlapReport:
    """
    Pairs above the threshold with at least one initiative in `coalition`, both visible to
    `user` and not dismissed, grouped by `group_pairs`. Every pair is in a group: one whose
    initiatives are in different groups is in the first of them. A fixed number of queries.
    """
    method = overlap_method()
    in_coalition = Initiative.objects.filter(coalition=coalition).values("pk")
    rows = list(_visible_pairs(user, method).filter(Q(a__in=in_coalition) | Q(b__in=in_coalition))
                .values_list("a_id", "b_id", "score"))
    ids = {a for a, _b, _s in rows} | {b for _a, b, _s in rows}
    initiatives: dict[int, Initiative] = {}
    if ids:
        initiatives = {i.pk: i for i in Initiative.objects.filter(pk__in=ids).select_related(
            "coalition", "lead_organisation")}
    grouping = group_pairs(rows)
    group_of = {}
    groups = []
    for number, (centre, members) in enumerate(grouping, start=1):
        groups.append(OverlapGroup(number=number, centre=initiatives[centre],
                                   members=[initiatives[m] for m in members]))
        for m in members:
            group_of.setdefault(m, number)
    pairs = []
    for a, b, score in sorted(rows, key=lambda r: (-r[2], r[0], r[1])):
        # A pair whose initiatives went to different groups (or one to none: all it was like
        # had been taken) is listed in the first of their groups, so no pair goes unshown.
        number = min(n for n in (group_of.get(a), group_of.get(b)) if n)
        pair = OverlapPair(a=initiatives[a], b=initiatives[b], score=score, group=number)
        pairs.append(pair)
        groups[number - 1].pairs.append(pair)
    computed = SimilarityState.objects.filter(method=method.version).exists()
    return OverlapReport(coalition=coalition, groups=groups, pairs=pairs, computed=computed,
                         threshold=method.threshold, method=method.version, similarity=method)
