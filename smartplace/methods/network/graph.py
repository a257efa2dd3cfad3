"""
The network's graph: node and link types, `Node`, `Link` and `Network` (typed nodes in a stable
order, links kept once, who is next to whom), the part of a network around some initiatives
(`subnetwork`) and the network as plain values (`network_as_dict`). Plain Python, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

ORGANISATION = "organisation"
PERSON = "person"
INITIATIVE = "initiative"
SUBDOMAIN = "subdomain"

LEADS = "leads"
PARTNERS = "partners"
WORKS_ON = "works_on"
SERVES = "serves"


@dataclass(frozen=True, slots=True)
class Node:
    """One node: `id` is unique across types (e.g. `organisation:ambridge-council`)."""

    id: str
    type: str
    label: str
    attrs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Link:
    source: str
    target: str
    type: str


@dataclass
class Network:
    """Nodes in a stable order, links, and who is next to whom."""

    nodes: dict[str, Node] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    adjacency: dict[str, set[str]] = field(default_factory=dict)

    def add_node(self, node: Node) -> None:
        if node.id not in self.nodes:
            self.nodes[node.id] = node
            self.adjacency[node.id] = set()

    def add_link(self, link: Link) -> None:
        """Add a link between two known nodes; a repeated pair is kept once."""
        if link.source not in self.nodes or link.target not in self.nodes:
            raise KeyError(f"A link needs both ends as nodes: {link.source} – {link.target}.")
        if link.target in self.adjacency[link.source]:
            return
        self.links.append(link)
        self.adjacency[link.source].add(link.target)
        self.adjacency[link.target].add(link.source)

    def of_type(self, kind: str) -> list[Node]:
        return [node for node in self.nodes.values() if node.type == kind]

    def neighbours(self, node_id: str, kind: str | None = None) -> list[Node]:
        """The node's neighbours (of one type), in the network's node order."""
        near = self.adjacency.get(node_id, set())
        return [n for n in self.nodes.values() if n.id in near and (kind is None or
                                                                     n.type == kind)]

    def without(self, kind: str) -> dict[str, set[str]]:
        """The adjacency with every node of type `kind` left out."""
        keep = {i for i, n in self.nodes.items() if n.type != kind}
        return {i: {j for j in self.adjacency[i] if j in keep} for i in self.nodes if i in keep}


def subnetwork(network: Network, initiative_ids: set[str]) -> Network:
    """The network of some initiatives: them, and the nodes linked to them."""
    part = Network()
    for link in network.links:
        if link.source in initiative_ids or link.target in initiative_ids:
            for end in (link.source, link.target):
                part.add_node(network.nodes[end])
    for node_id in sorted(initiative_ids):
        part.add_node(network.nodes[node_id])
    ordered = Network()
    for node in network.nodes.values():
        if node.id in part.nodes:
            ordered.add_node(node)
    for link in network.links:
        if link.source in ordered.nodes and link.target in ordered.nodes:
            ordered.add_link(link)
    return ordered


def network_as_dict(network: Network) -> dict[str, list[dict[str, Any]]]:
    """Nodes and links as plain values: `{"nodes": [{id, type, label, …}], "links": […]}`."""
    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else value

    return {
        "nodes": [{"id": n.id, "type": n.type, "label": n.label,
                   **{k: plain(v) for k, v in n.attrs.items()}}
                  for n in network.nodes.values()],
        "links": [{"source": link.source, "target": link.target, "type": link.type}
                  for link in network.links],
    }
