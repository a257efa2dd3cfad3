"""The network method: betweenness, components, connectors, isolation, sector mix, time."""

from collections import Counter
from datetime import date

import pytest

from smartplace.methods.network import (
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
    betweenness,
    betweenness_reference,
    components,
    isolated_initiatives,
    network_as_dict,
    network_over_time,
    network_svg,
    organisation_connectors,
    sector_mix,
)


def _path(n):
    names = [str(i) for i in range(n)]
    adjacency = {v: set() for v in names}
    for a, b in zip(names, names[1:], strict=False):
        adjacency[a].add(b)
        adjacency[b].add(a)
    return adjacency


def test_betweenness_of_a_path_counts_the_pairs_each_node_sits_between():
    """On a path 0–1–2–3–4 the middle node lies on 4 of the pairs, its neighbours on 3."""
    raw = betweenness(_path(5), normalised=False)
    assert raw == {"0": 0.0, "1": 3.0, "2": 4.0, "3": 3.0, "4": 0.0}
    normalised = betweenness(_path(5))
    assert normalised["2"] == pytest.approx(4 / 6)


def test_betweenness_splits_pairs_with_two_shortest_paths():
    """On a square each corner carries half of the one pair opposite it."""
    square = {"a": {"b", "d"}, "b": {"a", "c"}, "c": {"b", "d"}, "d": {"a", "c"}}
    assert betweenness(square, normalised=False) == {v: 0.5 for v in "abcd"}


def test_betweenness_of_a_star_centre_is_one_and_tiny_graphs_are_zero():
    """A star's centre lies on every pair of leaves; graphs under three nodes score 0."""
    star = {"hub": {"a", "b", "c"}, "a": {"hub"}, "b": {"hub"}, "c": {"hub"}}
    assert betweenness(star)["hub"] == pytest.approx(1.0)
    assert betweenness({"a": {"b"}, "b": {"a"}}) == {"a": 0.0, "b": 0.0}
    assert betweenness({}) == {}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_betweenness_matches_brandes_one_source_at_a_time(seed, monkeypatch):
    """On random graphs (several parts, isolated nodes, two-way paths) both give the same."""
    import random

    from smartplace.methods.network import centrality

    rng = random.Random(seed)
    names = [f"n{i}" for i in range(60)]
    adjacency = {v: set() for v in names}
    for _ in range(90):
        a, b = rng.sample(names[:50], 2)  # the last ten are isolated
        adjacency[a].add(b)
        adjacency[b].add(a)
    expected = betweenness_reference(adjacency, normalised=False)
    monkeypatch.setattr(centrality, "BETWEENNESS_CELLS", 60 * 7)  # sources 7 at a time
    found = betweenness(adjacency, normalised=False)
    assert found.keys() == expected.keys()
    for v, value in expected.items():
        assert found[v] == pytest.approx(value, rel=1e-9, abs=1e-9), v


def test_betweenness_of_a_network_of_thousands_takes_moments():
    """1,500 initiatives of 30 organisations and 40 sub-domains: well under a few seconds."""
    import random
    import time

    rng = random.Random(7)
    adjacency = {}

    def link(a, b):
        adjacency.setdefault(a, set()).add(b)
        adjacency.setdefault(b, set()).add(a)

    for i in range(1500):
        link(f"i{i}", f"o{rng.randrange(30)}")
        link(f"i{i}", f"s{rng.randrange(40)}")
    started = time.perf_counter()
    scores = betweenness(adjacency)
    assert time.perf_counter() - started < 20  # the one-source-at-a-time loop took minutes
    assert max(scores, key=scores.get).startswith(("o", "s"))


def test_components_largest_first():
    """Components come largest first, each sorted."""
    adjacency = {"x": set(), "a": {"b"}, "b": {"a", "c"}, "c": {"b"}}
    assert components(adjacency) == [["a", "b", "c"], ["x"]]


def _network():
    """Ambridge: the council works in two domains; the shop only in one; a lone initiative."""
    net = Network()
    for key, sector in (("council", "public"), ("shop", "business"), ("uni", "academic")):
        net.add_node(Node(f"o:{key}", ORGANISATION, key.title(), {"sector": sector}))
    net.add_node(Node("p:linda", PERSON, "Linda Snell"))
    subs = (("wifi", "Infrastructure"), ("buses", "Mobility"), ("jobs", "Economy"))
    for key, domain in subs:
        net.add_node(Node(f"s:{key}", SUBDOMAIN, key, {"domain": domain}))
    for key, start, end in (("mesh", date(2020, 3, 1), None),
                            ("bus-app", date(2022, 1, 1), date(2022, 12, 31)),
                            ("lone", date(2023, 6, 1), None)):
        net.add_node(Node(f"i:{key}", INITIATIVE, key, {"start": start, "end": end}))
    net.add_link(Link("o:council", "i:mesh", LEADS))
    net.add_link(Link("o:shop", "i:mesh", PARTNERS))
    net.add_link(Link("o:council", "i:bus-app", LEADS))
    net.add_link(Link("o:uni", "i:bus-app", PARTNERS))
    net.add_link(Link("p:linda", "i:bus-app", WORKS_ON))
    net.add_link(Link("o:uni", "i:lone", LEADS))
    net.add_link(Link("i:mesh", "s:wifi", SERVES))
    net.add_link(Link("i:bus-app", "s:buses", SERVES))
    net.add_link(Link("i:lone", "s:jobs", SERVES))
    return net


def test_connectors_rank_organisations_reaching_most_domains_first():
    """The council serves two domains and sits between the shop's and the university's work."""
    connectors = organisation_connectors(_network())
    assert connectors[0].node.id == "o:council"
    assert connectors[0].domains == ("Infrastructure", "Mobility")
    assert connectors[0].betweenness > 0
    shop = next(c for c in connectors if c.node.id == "o:shop")
    assert shop.betweenness == 0.0
    assert shop.domains == ("Infrastructure",)


def test_people_do_not_change_betweenness():
    """A person joining an initiative leaves organisations' betweenness as it was."""
    net = _network()
    before = {c.node.id: c.betweenness for c in organisation_connectors(net)}
    net.add_node(Node("p:tom", PERSON, "Tom"))
    net.add_link(Link("p:tom", "i:mesh", WORKS_ON))
    net.add_link(Link("p:tom", "i:lone", WORKS_ON))
    assert {c.node.id: c.betweenness for c in organisation_connectors(net)} == before


def test_isolated_initiatives_have_no_partner_and_no_person():
    """Only the initiative with just a lead is isolated."""
    assert [n.id for n in isolated_initiatives(_network())] == ["i:lone"]


def test_sector_mix_counts_distinct_organisations_per_domain():
    """Each domain counts the organisations of the initiatives serving it, by sector."""
    mix = sector_mix(_network(), ["Infrastructure", "Mobility", "Economy", "Resources"])
    assert mix["Infrastructure"] == Counter({"public": 1, "business": 1})
    assert mix["Mobility"] == Counter({"public": 1, "academic": 1})
    assert mix["Economy"] == Counter({"academic": 1})
    assert mix["Resources"] == Counter()


def test_network_over_time_follows_starts_and_ends():
    """Each year counts the initiatives running in it; the bus app ends in 2022."""
    snapshots = {s.year: s for s in network_over_time(_network(), until=2024)}
    assert sorted(snapshots) == [2020, 2021, 2022, 2023, 2024]
    assert snapshots[2021].initiatives == 1
    assert snapshots[2021].collaborations == 1
    assert snapshots[2022].initiatives == 2
    assert snapshots[2022].collaborations == 2
    assert snapshots[2022].components == 1
    assert snapshots[2022].people == 1
    assert snapshots[2023].initiatives == 2
    assert snapshots[2023].isolated == 1
    assert snapshots[2023].largest_share == 0.5
    assert network_over_time(Network()) == []


def test_svg_is_accessible_and_escapes_names():
    """The picture has role img, title and desc; names are escaped and kept in full in titles."""
    net = _network()
    net.add_node(Node("o:x", ORGANISATION, "Smith & <Sons> Cymru – Gwasanaethau Digidol Lleol "
                                           "Cyfyngedig", {"sector": "business"}))
    svg = network_svg(net, title="Ambridge network", description="Who works with whom.",
                      connectors=["o:council"])
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title id=\"network-title\">Ambridge network</title>" in svg
    assert "Smith &amp; &lt;Sons&gt; Cymru – Gwasanaethau Digidol Lleol Cyfyngedig" in svg
    assert "<Sons>" not in svg
    assert svg.count("<line") == len(net.links)


def test_layout_is_deterministic():
    """The same network draws the same picture."""
    assert network_svg(_network(), title="t", description="d") == network_svg(
        _network(), title="t", description="d")


def test_as_dict_gives_nodes_and_links_with_iso_dates():
    """The export has every node and link, dates as ISO 8601."""
    data = network_as_dict(_network())
    assert len(data["nodes"]) == 10 and len(data["links"]) == 9
    mesh = next(n for n in data["nodes"] if n["id"] == "i:mesh")
    assert mesh["start"] == "2020-03-01" and mesh["type"] == "initiative"
    assert {"source": "o:council", "target": "i:mesh", "type": "leads"} in data["links"]


def test_a_link_needs_both_ends():
    """A link to an unknown node is refused; a repeated link is kept once."""
    net = _network()
    with pytest.raises(KeyError):
        net.add_link(Link("o:council", "i:missing", LEADS))
    count = len(net.links)
    net.add_link(Link("i:mesh", "o:council", LEADS))
    assert len(net.links) == count


def test_network_and_channel_shift_methods_import_no_django():
    """The two methods modules are plain Python: importing them loads no part of Django."""
    import subprocess
    import sys

    code = ("import sys\nimport smartplace.methods.network, smartplace.methods.channel_shift\n"
            "sys.exit(1 if any(n.split('.')[0] == 'django' for n in sys.modules) else 0)\n")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               env={"PATH": "/usr/bin:/bin"}, check=False)
    assert completed.returncode == 0, completed.stderr
