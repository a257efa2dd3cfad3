"""
The network of who works on what: organisations, people, initiatives and sub-domains.

Plain Python, no Django. The graph (`graph.py`), betweenness and components on any adjacency
(`centrality.py`), the measures of the network (`measures.py`), its change over time
(`over_time.py`) and its picture (`picture.py`); the public names are imported from here.

A `Network` is an undirected graph of typed nodes (`organisation`, `person`, `initiative`,
`subdomain`) built from the records (nothing drawn by hand):
an organisation is linked to the initiatives it leads or partners in, a person to the
initiatives they work on, and an initiative to the sub-domains it serves.

Measures (see docs/methods/network.md):

- **Betweenness** (Brandes 2001, unweighted, undirected): for a node v, the sum over pairs of
  other nodes s, t of the share of shortest s–t paths that pass through v, divided by
  (n − 1)(n − 2)/2 so that it lies between 0 and 1. It is computed on the organisation,
  initiative and sub-domain graph (people left out, so that a person's consent does not change
  an organisation's figure). An organisation **connects domains** when its initiatives serve
  sub-domains of two or more domains; such organisations are ranked by betweenness.
- **Isolated initiatives**: no partner organisation and no (published) person; at most a lead.
- **Sector mix per domain**: the distinct organisations involved in initiatives serving a
  domain's sub-domains, counted by sector.
- **Change over time**: for each year, the network of the initiatives running in it (started
  by the end of the year and not ended before it began), with its size and how connected it is.

`centrality.BETWEENNESS_CELLS` bounds the memory `betweenness` uses; set it on that module.
"""

from smartplace.methods.network.centrality import betweenness, betweenness_reference, components
from smartplace.methods.network.graph import (
    INITIATIVE,
    LEADS,
    ORGANISATION,
    PARTNERS,
    PERSON,
    SERVES,
    SUBDOMAIN,
    WORKS_ON,
    Link,
    Network,
    Node,
    network_as_dict,
    subnetwork,
)
from smartplace.methods.network.measures import (
    Connector,
    isolated_initiatives,
    organisation_connectors,
    sector_mix,
)
from smartplace.methods.network.over_time import Snapshot, network_over_time
from smartplace.methods.network.picture import network_layout, network_svg

__all__ = [
    "INITIATIVE",
    "LEADS",
    "ORGANISATION",
    "PARTNERS",
    "PERSON",
    "SERVES",
    "SUBDOMAIN",
    "WORKS_ON",
    "Connector",
    "Link",
    "Network",
    "Node",
    "Snapshot",
    "betweenness",
    "betweenness_reference",
    "components",
    "isolated_initiatives",
    "network_as_dict",
    "network_layout",
    "network_over_time",
    "network_svg",
    "organisation_connectors",
    "sector_mix",
    "subnetwork",
]
