"""
The network's change over time: for each year, the network of the initiatives running in it
(started by the end of the year and not ended before it began), summarised as a `Snapshot` of
its size and how connected it is. Plain Python, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from smartplace.methods.network.centrality import components
from smartplace.methods.network.graph import INITIATIVE, ORGANISATION, PERSON, Network, subnetwork
from smartplace.methods.network.measures import isolated_initiatives


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The network of one year's running initiatives, summarised."""

    year: int
    initiatives: int
    organisations: int
    people: int
    collaborations: int
    isolated: int
    components: int
    largest_share: float | None


def _org_pairs(network: Network) -> int:
    pairs = set()
    for initiative in network.of_type(INITIATIVE):
        orgs = sorted(o.id for o in network.neighbours(initiative.id, ORGANISATION))
        pairs.update((a, b) for i, a in enumerate(orgs) for b in orgs[i + 1:])
    return len(pairs)


def network_over_time(network: Network, *, until: int | None = None) -> list[Snapshot]:
    """
    One snapshot a year, from the first year an initiative started to `until` (default: the
    current year). Initiatives need `start` (a date); `end` (a date or None) is optional.

    `collaborations`: pairs of organisations that work together on at least one initiative;
    `components`: connected parts of the network of organisations, initiatives and sub-domains;
    `largest_share`: the share of its initiatives in the largest part.
    """
    initiatives = network.of_type(INITIATIVE)
    starts = [n.attrs["start"] for n in initiatives if n.attrs.get("start")]
    if not starts:
        return []
    last = until or date.today().year
    snapshots = []
    for year in range(min(s.year for s in starts), last + 1):
        running = {n.id for n in initiatives if n.attrs.get("start")
                   and n.attrs["start"].year <= year
                   and (n.attrs.get("end") is None or n.attrs["end"].year >= year)}
        part = subnetwork(network, running)
        parts = components(part.without(PERSON))
        largest = max((sum(1 for v in p if v in running) for p in parts), default=0)
        snapshots.append(Snapshot(
            year=year, initiatives=len(running),
            organisations=len(part.of_type(ORGANISATION)), people=len(part.of_type(PERSON)),
            collaborations=_org_pairs(part), isolated=len(isolated_initiatives(part)),
            components=len(parts), largest_share=largest / len(running) if running else None,
        ))
    return snapshots
