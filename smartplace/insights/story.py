"""
Reads for "the state of the place": one page (and a printable PDF) that tells a coalition's
story from its public records.

It brings together the latest domain wheel, what changed since the round before it, the gaps
(sub-domains with no active public initiative, and the opportunities of
`smartplace.insights.gaps`), highlights (recently updated active
initiatives with evidence), evidence of what worked (totals from public evidence) and the
network in brief. Everything is public data: private initiatives are never counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Max
from django.urls import NoReverseMatch, reverse

from smartplace.coalitions.models import Coalition
from smartplace.coalitions.selectors import coalition_totals, domain_list_with_counts
from smartplace.initiatives.models import Initiative
from smartplace.insights.evidence import WhatWorked, coalition_what_worked
from smartplace.insights.evidence_rule import initiative_has_evidence
from smartplace.insights.gaps import FLAG_LABELS, GapRow, gaps_for_coalition
from smartplace.insights.network import NetworkSummary, network_sentences, network_summary
from smartplace.methods.rounding import half_up
from smartplace.rounds.models import Round
from smartplace.rounds.selectors import (
    ConsensusChange,
    WheelPanel,
    consensus_change,
    consensus_change_summary,
    round_published_result,
    round_wheel_panel,
)

#: Decimal places of published consensus figures (docs/insights-story.md).
CONSENSUS_PLACES = 2
HIGHLIGHTS = 6
OPPORTUNITIES = 8


@dataclass
class RoundChange:
    """What changed between the two latest closed rounds."""

    latest: Round
    previous: Round | None
    changes: list[ConsensusChange] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    new_initiatives: list[Initiative] = field(default_factory=list)

    @property
    def mean_change(self) -> Decimal | None:
        """
        The mean change in consensus as published (page, .json and .csv alike): rounded half
        up to `CONSENSUS_PLACES` decimal places (`methods.rounding.half_up`); None without
        sub-domains published in both rounds.
        """
        value = (self.summary or {}).get("mean_change")
        return None if value is None else half_up(value, CONSENSUS_PLACES)

    @property
    def moved(self) -> list[ConsensusChange]:
        """Items whose median level went up or down."""
        return [c for c in self.changes if c.median_before is not None
                and c.median_after is not None and c.median_before != c.median_after]


@dataclass
class Story:
    """Everything on the state-of-the-place page."""

    coalition: Coalition
    totals: dict[str, Any]
    domains: list
    wheel: WheelPanel | None
    change: RoundChange | None
    gaps: list[dict[str, Any]]
    opportunities: list[GapRow]
    opportunity_count: int
    highlights: list[Initiative]
    worked: WhatWorked
    network: NetworkSummary
    gaps_url: str | None
    last_updated: datetime | None

    @property
    def subdomain_count(self) -> int:
        return sum(len(d.subdomain_list) for d in self.domains)

    @property
    def network_text(self) -> str:
        """The network in brief, in sentences whose counts take the right plural form."""
        return " ".join(network_sentences(summary=self.network, coalition=self.coalition))

    @staticmethod
    def flag_label(flag: str) -> str:
        return str(FLAG_LABELS.get(flag, flag))


def _closed_rounds(coalition: Coalition) -> list[Round]:
    return list(Round.objects.closed().filter(coalition=coalition)
                .select_related("coalition", "framework").order_by("-closes_at", "-pk")[:2])


def story_round_change(*, coalition: Coalition) -> tuple[WheelPanel | None, RoundChange | None]:
    """The latest closed round's wheel, and what changed since the closed round before it."""
    rounds = _closed_rounds(coalition)
    if not rounds:
        return None, None
    latest = rounds[0]
    previous = rounds[1] if len(rounds) > 1 else None
    wheel = round_wheel_panel(round_=latest)
    change = RoundChange(latest=latest, previous=previous)
    if previous is not None:
        after = round_published_result(round_=latest)["document"]
        before = round_published_result(round_=previous)["document"]
        change.changes = consensus_change(before=before, after=after)
        change.summary = consensus_change_summary(change.changes)
        change.new_initiatives = list(
            Initiative.objects.public().filter(coalition=coalition,
                                               created_at__gt=previous.ended_at)
            .select_related("coalition").order_by("-created_at", "title")[:10])
    return wheel, change


def story_gaps(domains) -> list[dict[str, Any]]:
    """Sub-domains with no active public initiative, by domain (domains with none left out)."""
    gaps = []
    for domain in domains:
        empty = [s for s in domain.subdomain_list if not s.active_count]
        if empty:
            gaps.append({"domain": domain, "subdomains": empty,
                         "of": len(domain.subdomain_list)})
    return gaps


def story_highlights(*, coalition: Coalition, limit: int = HIGHLIGHTS) -> list[Initiative]:
    """
    Active public initiatives with evidence (`evidence_rule.initiative_has_evidence`), most
    recently updated first.
    """
    return list(
        Initiative.objects.public()
        .filter(initiative_has_evidence(), coalition=coalition, status=Initiative.Status.ACTIVE)
        .select_related("coalition", "lead_organisation")
        .order_by("-updated_at", "title")[:limit]
    )


def _gaps_url(coalition: Coalition) -> str | None:
    """The gaps page (issue 5, part 1) when it is installed."""
    for name in ("insights:gaps", "insights:coalition_gaps"):
        try:
            return reverse(name, kwargs={"slug": coalition.slug})
        except NoReverseMatch:
            continue
    return None


def story_get(*, coalition: Coalition, absolute=lambda path: path) -> Story:
    """The state of the place, from public records only."""
    anonymous = AnonymousUser()
    domains = domain_list_with_counts(coalition=coalition, user=anonymous)
    wheel, change = story_round_change(coalition=coalition)
    last = Initiative.objects.public().filter(coalition=coalition).aggregate(
        latest=Max("updated_at"))["latest"]
    opportunities = gaps_for_coalition(coalition=coalition, user=anonymous).opportunities
    totals = coalition_totals(coalition=coalition, user=anonymous)
    totals["active"] = Initiative.objects.public().filter(
        coalition=coalition, status=Initiative.Status.ACTIVE).count()
    return Story(
        coalition=coalition,
        totals=totals,
        domains=domains,
        wheel=wheel,
        change=change,
        gaps=story_gaps(domains),
        opportunities=opportunities[:OPPORTUNITIES],
        opportunity_count=len(opportunities),
        highlights=story_highlights(coalition=coalition),
        worked=coalition_what_worked(coalition=coalition),
        network=network_summary(coalition=coalition, absolute=absolute),
        gaps_url=_gaps_url(coalition),
        last_updated=last,
    )


def story_rows(story: Story) -> list[dict[str, Any]]:
    """The story's figures as rows (figure, value) for the .json and .csv twins."""
    worked = story.worked
    rows = [
        ("initiatives", story.totals.get("initiatives")),
        ("active_initiatives", story.totals.get("active")),
        ("organisations", story.totals.get("organisations")),
        ("domains", len(story.domains)),
        ("subdomains", story.subdomain_count),
        ("subdomains_without_active_initiatives", sum(len(g["subdomains"]) for g in story.gaps)),
        ("gap_opportunities", story.opportunity_count),
        ("latest_round", story.wheel.round.name if story.wheel else None),
        ("previous_round", story.change.previous.name if story.change and story.change.previous
         else None),
        ("items_median_changed", len(story.change.moved) if story.change else None),
        ("mean_consensus_change", story.change.mean_change if story.change else None),
        ("initiatives_with_evidence", worked.initiatives_with_evidence),
        ("recorded_annual_savings_gbp", worked.annual_savings),
        ("recorded_capital_cost_gbp", worked.capital_cost),
        ("recorded_annual_cost_gbp", worked.annual_cost),
        ("channel_shift_annual_saving_gbp", worked.channel_shift_saving),
        ("channel_shift_outcome", worked.channel_shift_outcome if worked.channel_shift_count
         else None),
        ("contacts_moved_a_year", worked.contacts_moved),
        ("outcome_measures", worked.outcomes),
        ("lessons", worked.lessons),
        ("reusable_assets", worked.assets),
        ("reuses", worked.reuses),
        ("organisations_connecting_domains", len(story.network.domain_connectors)),
        ("isolated_initiatives", len(story.network.isolated)),
    ]
    return [{"figure": key, "value": value} for key, value in rows]
