"""
The network as a picture: deterministic positions in three columns (who, what, where;
`network_layout`) and an accessible SVG (`network_svg`) with sector fills from the Okabe–Ito
palette. Plain Python, no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from xml.sax.saxutils import escape

from smartplace.methods.network.graph import (
    INITIATIVE,
    ORGANISATION,
    PARTNERS,
    PERSON,
    SUBDOMAIN,
    Network,
    Node,
)
from smartplace.methods.network.measures import isolated_initiatives

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
