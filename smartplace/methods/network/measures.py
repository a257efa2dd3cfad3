"""
Measures of a typed `Network` (docs/methods/network.md): organisations that connect domains,
ranked by betweenness with people left out (`organisation_connectors`), isolated initiatives
and the sector mix per domain. Plain Python, no Django.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from smartplace.methods.network.centrality import betweenness
from smartplace.methods.network.graph import (
    INITIATIVE,
    ORGANISATION,
    PARTNERS,
    PERSON,
    SUBDOMAIN,
    WORKS_ON,
    Network,
    Node,
)


@dataclass(frozen=True, slots=True)
class Connector:
    """An organisation, its betweenness, and the domains its initiatives serve."""

    node: Node
    betweenness: float
    domains: tuple[str, ...]
    initiatives: int


def organisation_connectors(network: Network) -> list[Connector]:
    """
    Every organisation with its betweenness (people left out) and the domains it reaches,
    those reaching most domains and then the most between first.
    """
    scores = betweenness(network.without(PERSON))
    result = []
    for org in network.of_type(ORGANISATION):
        initiatives = network.neighbours(org.id, INITIATIVE)
        domains = sorted({sub.attrs.get("domain", "") for initiative in initiatives
                          for sub in network.neighbours(initiative.id, SUBDOMAIN)} - {""})
        result.append(Connector(org, scores.get(org.id, 0.0), tuple(domains), len(initiatives)))
    return sorted(result, key=lambda c: (-len(c.domains), -c.betweenness, c.node.label))


def isolated_initiatives(network: Network) -> list[Node]:
    """Initiatives with no partner organisation and no person: at most a lead organisation."""
    connected = {end for link in network.links if link.type in (PARTNERS, WORKS_ON)
                 for end in (link.source, link.target)}
    return [n for n in network.of_type(INITIATIVE) if n.id not in connected]


def sector_mix(network: Network, domains: Sequence[str]) -> dict[str, Counter]:
    """Per domain (in the order given), the distinct organisations involved, by sector."""
    mix: dict[str, set[str]] = {domain: set() for domain in domains}
    for sub in network.of_type(SUBDOMAIN):
        domain = sub.attrs.get("domain")
        if domain not in mix:
            continue
        for initiative in network.neighbours(sub.id, INITIATIVE):
            mix[domain].update(o.id for o in network.neighbours(initiative.id, ORGANISATION))
    return {domain: Counter(network.nodes[o].attrs.get("sector", "other") for o in orgs)
            for domain, orgs in mix.items()}
