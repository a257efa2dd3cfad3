"""
The network of who works on what: organisations, people, initiatives and sub-domains.

Plain Python, no Django. A `Network` is an undirected graph of typed nodes (`organisation`,
`person`, `initiative`, `subdomain`) built from the records (nothing drawn by hand):
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
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

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


#: Cells (sources × nodes) `betweenness` works on at a time: about 17 bytes each.
BETWEENNESS_CELLS = 1 << 22


def _rows_matrix(data, rows, cols, shape):
    """A CSR matrix from entries whose rows are in order (as a product's COO form gives them)."""
    import numpy as np
    import scipy.sparse as sp

    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
    return sp.csr_matrix((data, cols, indptr), shape=shape)


def betweenness(adjacency: Mapping[str, Iterable[str]], *,
                normalised: bool = True) -> dict[str, float]:
    """
    Betweenness centrality of every node of an undirected, unweighted graph (Brandes 2001).

    Raw: Σ over unordered pairs {s, t} (s ≠ v ≠ t) of σ_st(v) / σ_st. Normalised: divided by
    (n − 1)(n − 2) / 2, the number of pairs not including v (0 for graphs under 3 nodes).

    Brandes' algorithm run for many sources at once with sparse matrix products (numpy and
    scipy): a breadth-first search level by level counts the shortest paths σ, then the
    dependencies δ flow back level by level. Sources are taken `BETWEENNESS_CELLS` ÷ n at a
    time, so memory stays bounded. Gives the same figures as `betweenness_reference`.
    """
    import numpy as np
    import scipy.sparse as sp

    order = sorted(adjacency)
    n = len(order)
    if n == 0:
        return {}
    index = {v: i for i, v in enumerate(order)}
    rows, cols = [], []
    for v in order:
        for w in adjacency[v]:
            if w in index and w != v:
                rows.append(index[v])
                cols.append(index[w])
    forward = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    forward.data[:] = 1.0  # a link listed twice is one link
    backward = forward.T.tocsr()
    score = np.zeros(n)
    batch = max(1, min(n, BETWEENNESS_CELLS // n))
    for first in range(0, n, batch):
        sources = np.arange(first, min(n, first + batch))
        b = len(sources)
        here = np.arange(b)
        paths = np.zeros((b, n))
        seen = np.zeros((b, n), dtype=bool)
        paths[here, sources] = 1.0
        seen[here, sources] = True
        levels = []
        frontier = _rows_matrix(np.ones(b), here, sources, (b, n))
        while True:
            reached = (frontier @ forward).tocoo()
            new = ~seen[reached.row, reached.col]
            r, c, sigma = reached.row[new], reached.col[new], reached.data[new]
            if not len(r):
                break
            seen[r, c] = True
            paths[r, c] = sigma
            levels.append((r, c))
            frontier = _rows_matrix(sigma, r, c, (b, n))
        del seen
        flow = np.zeros((b, n))  # Σ over a node's successors w of (1 + δ_w) / σ_w
        for r, c in reversed(levels):
            sigma = paths[r, c]
            dependency = sigma * flow[r, c]
            score += np.bincount(c, weights=dependency, minlength=n)
            back = (_rows_matrix((1.0 + dependency) / sigma, r, c, (b, n)) @ backward).tocoo()
            flow[back.row, back.col] += back.data
    # Each unordered pair was counted from both ends.
    scale = 0.5
    if normalised:
        scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    return {v: float(score[i]) * scale for i, v in enumerate(order)}


def betweenness_reference(adjacency: Mapping[str, Iterable[str]], *,
                          normalised: bool = True) -> dict[str, float]:
    """
    Betweenness as Brandes (2001) wrote it, one source at a time in plain Python: the
    reference that `betweenness` is tested against (it is too slow for networks of more than
    a few hundred nodes).

    Raw: Σ over unordered pairs {s, t} (s ≠ v ≠ t) of σ_st(v) / σ_st. Normalised: divided by
    (n − 1)(n − 2) / 2, the number of pairs not including v (0 for graphs under 3 nodes).
    """
    order = sorted(adjacency)
    neighbours = {v: sorted(adjacency[v]) for v in order}
    score = dict.fromkeys(order, 0.0)
    for source in order:
        stack: list[str] = []
        predecessors: dict[str, list[str]] = {v: [] for v in order}
        paths = dict.fromkeys(order, 0)
        paths[source] = 1
        distance = dict.fromkeys(order, -1)
        distance[source] = 0
        queue = deque([source])
        while queue:
            v = queue.popleft()
            stack.append(v)
            for w in neighbours[v]:
                if distance[w] < 0:
                    distance[w] = distance[v] + 1
                    queue.append(w)
                if distance[w] == distance[v] + 1:
                    paths[w] += paths[v]
                    predecessors[w].append(v)
        dependency = dict.fromkeys(order, 0.0)
        while stack:
            w = stack.pop()
            for v in predecessors[w]:
                dependency[v] += paths[v] / paths[w] * (1.0 + dependency[w])
            if w != source:
                score[w] += dependency[w]
    # Each unordered pair was counted from both ends.
    n = len(order)
    scale = 0.5
    if normalised:
        scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    return {v: score[v] * scale for v in order}


def components(adjacency: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The connected components, largest first (ties by their first node), nodes sorted."""
    seen: set[str] = set()
    found = []
    for start in sorted(adjacency):
        if start in seen:
            continue
        seen.add(start)
        part, queue = [], deque([start])
        while queue:
            v = queue.popleft()
            part.append(v)
            for w in adjacency[v]:
                if w not in seen:
                    seen.add(w)
                    queue.append(w)
        found.append(sorted(part))
    return sorted(found, key=lambda part: (-len(part), part[0]))


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


# --- The picture -------------------------------------------------------------------------------

#: Fills by sector, from the Okabe–Ito palette (distinguishable with common colour-vision
#: deficiencies); sectors are also named in the table and in each node's title.
SECTOR_FILLS = {
    "public": "#0072b2", "business": "#e69f00", "academic": "#cc79a7",
    "voluntary": "#009e73", "other": "#999999",
}
INK = "#0b0c0c"
MUTED = "#505a5f"
ROW, TOP, LABEL_CHARS = 22.0, 70.0, 34
COLUMNS = {ORGANISATION: 260.0, PERSON: 260.0, INITIATIVE: 560.0, SUBDOMAIN: 860.0}
WIDTH = 1180.0


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def network_layout(network: Network) -> dict[str, tuple[float, float]]:
    """
    Deterministic positions: organisations then people on the left (by sector, then name),
    initiatives in the middle (by their first domain, then title), sub-domains on the right
    (in the framework's order, as given). Each column is centred on the tallest.
    """
    left = sorted(network.of_type(ORGANISATION),
                  key=lambda n: (list(SECTOR_FILLS).index(n.attrs.get("sector", "other"))
                                 if n.attrs.get("sector", "other") in SECTOR_FILLS else 9,
                                 n.label.casefold(), n.id))
    left += sorted(network.of_type(PERSON), key=lambda n: (n.label.casefold(), n.id))
    subs = network.of_type(SUBDOMAIN)
    rank = {s.id: i for i, s in enumerate(subs)}

    def first_sub(node: Node) -> int:
        return min((rank[s.id] for s in network.neighbours(node.id, SUBDOMAIN)),
                   default=len(rank))

    middle = sorted(network.of_type(INITIATIVE),
                    key=lambda n: (first_sub(n), n.label.casefold(), n.id))
    columns = [left, middle, subs]
    tallest = max(len(c) for c in columns)
    positions = {}
    for column in columns:
        offset = (tallest - len(column)) * ROW / 2
        for index, node in enumerate(column):
            positions[node.id] = (COLUMNS[node.type], TOP + offset + index * ROW)
    return positions


def _shape(node: Node, x: float, y: float, *, isolated: bool, connector: bool) -> str:
    if node.type in (ORGANISATION, PERSON):
        fill = SECTOR_FILLS.get(node.attrs.get("sector", "other"), SECTOR_FILLS["other"])
        if node.type == PERSON:
            fill = "#ffffff"
        stroke = f' stroke="{INK}" stroke-width="{3 if connector else 1}"'
        return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="6" fill="{fill}"{stroke}/>'
    if node.type == INITIATIVE:
        dash = ' stroke-dasharray="3 2" fill="#ffffff"' if isolated else f' fill="{MUTED}"'
        return (f'<rect x="{_f(x - 5)}" y="{_f(y - 5)}" width="10" height="10"{dash} '
                f'stroke="{INK}"/>')
    return (f'<polygon points="{_f(x)},{_f(y - 7)} {_f(x + 7)},{_f(y)} {_f(x)},{_f(y + 7)} '
            f'{_f(x - 7)},{_f(y)}" fill="#ffffff" stroke="{INK}"/>')


def network_svg(network: Network, *, title: str, description: str,
                connectors: Iterable[str] = (), labels: Mapping[str, str] | None = None) -> str:
    """
    The network as an accessible SVG: three columns (who, what, where) joined by lines.

    `role="img"` with a `<title>` and `<desc>`; each node has a `<title>` with its full name,
    so long or non-Latin names are never lost; labels are shortened with an ellipsis.
    Organisations are circles filled by sector, people white circles, initiatives squares
    (white and dashed when isolated), sub-domains diamonds. Organisations that connect
    domains have a thick outline. `labels` gives the column headings and legend text.
    """
    text = {"who": "Organisations and people", "what": "Initiatives",
            "where": "Sub-domains", "isolated": "Isolated initiative",
            "connector": "Connects domains", **(labels or {})}
    sector_names = {k: text.get(f"sector_{k}", k.capitalize()) for k in SECTOR_FILLS}
    positions = network_layout(network)
    strong = set(connectors)
    alone = {n.id for n in isolated_initiatives(network)}
    rows = max((len(c) for c in (network.of_type(INITIATIVE), network.of_type(SUBDOMAIN),
                                 network.of_type(ORGANISATION) + network.of_type(PERSON))),
               default=0)
    legend_y = TOP + rows * ROW + 20
    height = legend_y + 70
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(WIDTH)} {_f(height)}" '
        f'role="img" aria-labelledby="network-title network-desc" class="sp-network" '
        f'font-family="Arial, sans-serif" font-size="13">',
        f'<title id="network-title">{escape(title)}</title>',
        f'<desc id="network-desc">{escape(description)}</desc>',
    ]
    for key, x in (("who", COLUMNS[ORGANISATION]), ("what", COLUMNS[INITIATIVE]),
                   ("where", COLUMNS[SUBDOMAIN])):
        out.append(f'<text x="{_f(x)}" y="30" text-anchor="middle" font-weight="bold" '
                   f'fill="{INK}">{escape(text[key])}</text>')
    out.append(f'<g stroke="{MUTED}" stroke-opacity="0.45" fill="none">')
    for link in network.links:
        (x1, y1), (x2, y2) = positions[link.source], positions[link.target]
        if x1 > x2:
            x1, y1, x2, y2 = x2, y2, x1, y1
        dash = ' stroke-dasharray="4 3"' if link.type == PARTNERS else ""
        out.append(f'<line x1="{_f(x1 + 7)}" y1="{_f(y1)}" x2="{_f(x2 - 7)}" y2="{_f(y2)}"'
                   f'{dash}/>')
    out.append("</g>")
    for node in network.nodes.values():
        x, y = positions[node.id]
        kind = text.get(f"type_{node.type}", node.type)
        extra = ""
        if node.type == ORGANISATION:
            extra = f", {sector_names.get(node.attrs.get('sector', 'other'), '')}"
        tip = f"{node.label} ({kind}{extra})"
        anchor, dx = ("end", -12) if node.type in (ORGANISATION, PERSON) else ("start", 12)
        weight = ' font-weight="bold"' if node.id in strong else ""
        out.append(
            f'<g><title>{escape(tip)}</title>'
            f'{_shape(node, x, y, isolated=node.id in alone, connector=node.id in strong)}'
            f'<text x="{_f(x + dx)}" y="{_f(y + 4)}" text-anchor="{anchor}" fill="{INK}"'
            f'{weight}>{escape(_short(node.label))}</text></g>')
    x = 20.0
    out.append(f'<g font-size="12" fill="{INK}">')
    for key, fill in SECTOR_FILLS.items():
        out.append(f'<circle cx="{_f(x)}" cy="{_f(legend_y)}" r="6" fill="{fill}" '
                   f'stroke="{INK}"/><text x="{_f(x + 10)}" y="{_f(legend_y + 4)}">'
                   f'{escape(sector_names[key])}</text>')
        x += 30 + 7 * len(sector_names[key])
    y2 = legend_y + 30
    out.append(f'<rect x="15" y="{_f(y2 - 5)}" width="10" height="10" fill="#ffffff" '
               f'stroke="{INK}" stroke-dasharray="3 2"/><text x="32" y="{_f(y2 + 4)}">'
               f'{escape(text["isolated"])}</text>')
    x = 60 + 7 * len(text["isolated"])
    out.append(f'<circle cx="{_f(x)}" cy="{_f(y2)}" r="6" fill="#ffffff" stroke="{INK}" '
               f'stroke-width="3"/><text x="{_f(x + 10)}" y="{_f(y2 + 4)}" '
               f'font-weight="bold">{escape(text["connector"])}</text>')
    out.append("</g></svg>")
    return "".join(out)


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
