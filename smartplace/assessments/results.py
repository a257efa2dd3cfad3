"""
A cycle's league tables and its published results, as the public pages show them.

League tables rank the **published weighted total** (as `smartplace score` does) with
`smartplace.methods.benchmarking.league_table`, so organisations shown with the same figure
share a rank; nothing here ranks by itself.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.text import slugify

from smartplace.assessments.models import Cycle, Participant
from smartplace.assessments.scores import Change, cycle_changes, cycle_scores
from smartplace.assessments.selectors import public_participants
from smartplace.methods import scoring as m
from smartplace.methods.benchmarking import league_table


@dataclass(frozen=True)
class LeagueEntry:
    participant: Participant
    score: m.OrganisationScore
    rank: int | None
    percentile: Fraction | None
    group_size: int
    change: Change | None

    @property
    def percent(self) -> Decimal | None:
        return self.score.published_weighted_percent

    @property
    def level_name(self) -> str:
        level = self.score.maturity.level if self.score.maturity else None
        return level.name if level else ""


@dataclass(frozen=True)
class LeagueGroup:
    label: str
    entries: tuple[LeagueEntry, ...]

    @property
    def slug(self) -> str:
        """The group in addresses: its label, slugified."""
        return slugify(self.label)


def cycle_league(*, cycle: Cycle, scores: dict[Participant, m.OrganisationScore],
                 changes: dict[Participant, Change] | None = None) -> list[LeagueGroup]:
    """
    League tables per peer group, groups in alphabetical order: tie-aware competition ranks and
    percentile ranks of the published weighted total within the group
    (`benchmarking.league_table`). Participants in no peer group are left out.
    """
    changes = changes or {}
    grouped = {p: s for p, s in scores.items() if p.peer_group}
    rows = league_table(scores={p: s.published_weighted_percent for p, s in grouped.items()},
                        groups={p: p.peer_group for p in grouped})
    tables: dict[str, list[LeagueEntry]] = defaultdict(list)
    for row in rows:
        tables[row.group].append(LeagueEntry(
            participant=row.unit, score=grouped[row.unit], rank=row.rank,
            percentile=row.percentile, group_size=row.group_size,
            change=changes.get(row.unit)))
    for entries in tables.values():
        entries.sort(key=lambda e: (e.rank is None, e.rank or 0, e.participant.organisation.name))
    return [LeagueGroup(label=label, entries=tuple(tables[label])) for label in sorted(tables)]


@dataclass
class CycleResults:
    """Everything the public pages of a cycle show, for its published participants only."""

    cycle: Cycle
    participants: list[Participant]
    scores: dict[Participant, m.OrganisationScore]
    changes: dict[Participant, Change]
    league: list[LeagueGroup]

    @property
    def entries(self) -> dict[Participant, LeagueEntry]:
        return {entry.participant: entry for group in self.league for entry in group.entries}

    def participant(self, slug: str) -> Participant | None:
        return next((p for p in self.participants if p.organisation.slug == slug), None)

    def group(self, slug: str) -> LeagueGroup | None:
        return next((g for g in self.league if g.slug == slug), None)


def cycle_results(*, cycle: Cycle) -> CycleResults:
    """The published results of a public cycle (none for an unpublished or private one)."""
    participants = list(public_participants(cycle=cycle))
    scores = cycle_scores(cycle=cycle, participants=participants) if participants else {}
    changes = cycle_changes(cycle=cycle, scores=scores, public=True) if scores else {}
    return CycleResults(cycle=cycle, participants=participants, scores=scores, changes=changes,
                        league=cycle_league(cycle=cycle, scores=scores, changes=changes))
