"""
Reads for a coalition's network page: the network built from its public records.

Only public data goes in: public initiatives, the organisations leading or partnering in them,
people who consented to a public profile, and the coalition's sub-domains. The picture, tables
and exports are the same for every visitor. The method is `smartplace.methods.network`
(docs/methods/network.md).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Max, Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from smartplace.coalitions.models import Coalition
from smartplace.frameworks.models import Domain, SubDomain
from smartplace.initiatives.models import Initiative
from smartplace.methods import network as method
from smartplace.methods.network import Connector, Link, Network, Node, Snapshot, network_as_dict
from smartplace.methods.rounding import half_up
from smartplace.organisations.models import Sector
from smartplace.people.models import Person

#: Above this many nodes the picture is not drawn (the tables still list everything).
PICTURE_MAX_NODES = 600
#: Decimal places of published betweenness (page, .json and .csv; docs/methods/network.md).
BETWEENNESS_PLACES = 3


def betweenness_published(value: float) -> Decimal:
    """Betweenness as published: rounded half up to `BETWEENNESS_PLACES` decimal places."""
    return half_up(value, BETWEENNESS_PLACES)


def sector_names() -> dict[str, str]:
    return {str(value): str(label) for value, label in Sector.choices}


@dataclass
class NetworkSummary:
    """Everything the network page shows."""

    network: Network
    domains: list[Domain]
    connectors: list[Connector]
    isolated: list[Node]
    sector_mix: list[dict]
    snapshots: list[Snapshot]
    initiatives: list[Initiative]
    last_updated: datetime | None

    @property
    def is_empty(self) -> bool:
        return not self.initiatives

    @property
    def betweenness(self) -> dict[str, Decimal]:
        """Each organisation's betweenness as published (`betweenness_published`), by node id."""
        return {c.node.id: betweenness_published(c.betweenness) for c in self.connectors}

    @property
    def domain_connectors(self) -> list[Connector]:
        """Organisations whose initiatives serve two or more domains."""
        return [c for c in self.connectors if len(c.domains) >= 2]


def _initiatives(coalition: Coalition) -> list[Initiative]:
    return list(
        Initiative.objects.public().filter(coalition=coalition)
        .select_related("coalition", "lead_organisation")
        .prefetch_related(
            "partners",
            Prefetch("people", queryset=Person.objects.public(),
                     to_attr="public_people_list"),
            Prefetch("subdomains", queryset=SubDomain.objects.select_related("domain"),
                     to_attr="subdomain_list"),
        ).order_by("title", "pk")
    )


def _domains(coalition: Coalition) -> list[Domain]:
    if coalition.framework_id is None:
        return []
    return list(Domain.objects.filter(framework_id=coalition.framework_id)
                .prefetch_related(Prefetch("subdomains",
                                           queryset=SubDomain.objects.order_by("position",
                                                                               "name"),
                                           to_attr="subdomain_list"))
                .order_by("position", "name"))


def organisation_node_id(organisation) -> str:
    return f"organisation:{organisation.slug}"


def initiative_node_id(initiative) -> str:
    return f"initiative:{initiative.slug}"


def subdomain_node_id(domain, subdomain) -> str:
    return f"subdomain:{domain.slug}/{subdomain.slug}"


def network_build(*, coalition: Coalition, absolute=lambda path: path) -> tuple[
        Network, list[Initiative], list[Domain]]:
    """
    The coalition's network from its public records (five queries), the public initiatives
    in it and the framework's domains. `absolute` turns paths into the addresses nodes carry.
    """
    initiatives = _initiatives(coalition)
    domains = _domains(coalition)
    network = Network()
    for initiative in initiatives:
        for org in [initiative.lead_organisation, *initiative.partners.all()]:
            if org is not None:
                network.add_node(Node(organisation_node_id(org), method.ORGANISATION, org.name,
                                      {"sector": org.sector,
                                       "url": absolute(org.get_absolute_url())}))
    for initiative in initiatives:
        for person in initiative.public_people_list:
            network.add_node(Node(f"person:{person.pk}", method.PERSON, person.name, {}))
    for initiative in initiatives:
        network.add_node(Node(
            initiative_node_id(initiative), method.INITIATIVE, initiative.title,
            {"status": initiative.status,
             "start": initiative.start_date or initiative.created_at.date(),
             "end": initiative.end_date,
             "url": absolute(initiative.get_absolute_url())},
        ))
    for domain in domains:
        for sub in domain.subdomain_list:
            network.add_node(Node(subdomain_node_id(domain, sub), method.SUBDOMAIN, sub.name,
                                  {"domain": domain.name, "domain_slug": domain.slug}))
    for initiative in initiatives:
        node = initiative_node_id(initiative)
        if initiative.lead_organisation is not None:
            network.add_link(Link(organisation_node_id(initiative.lead_organisation), node,
                                  method.LEADS))
        for partner in initiative.partners.all():
            network.add_link(Link(organisation_node_id(partner), node, method.PARTNERS))
        for person in initiative.public_people_list:
            network.add_link(Link(f"person:{person.pk}", node, method.WORKS_ON))
        for sub in initiative.subdomain_list:
            sub_id = subdomain_node_id(sub.domain, sub)
            if sub_id in network.nodes:
                network.add_link(Link(node, sub_id, method.SERVES))
    return network, initiatives, domains


def network_summary(*, coalition: Coalition, absolute=lambda path: path,
                    until: int | None = None) -> NetworkSummary:
    """The network page's content: the network, connectors, isolated initiatives, sector mix
    per domain and one snapshot a year (up to `until`, default this year)."""
    network, initiatives, domains = network_build(coalition=coalition, absolute=absolute)
    names = sector_names()
    mix = method.sector_mix(network, [d.name for d in domains])
    sector_rows = []
    for domain in domains:
        counts: Counter = mix[domain.name]
        sector_rows.append({
            "domain": domain.name, "domain_slug": domain.slug,
            "counts": [(key, names[key], counts.get(key, 0)) for key in names],
            "total": sum(counts.values()),
        })
    last_updated = (Initiative.objects.public().filter(coalition=coalition)
                    .aggregate(latest=Max("updated_at"))["latest"])
    return NetworkSummary(
        network=network, domains=domains,
        connectors=method.organisation_connectors(network),
        isolated=method.isolated_initiatives(network),
        sector_mix=sector_rows,
        snapshots=method.network_over_time(network, until=until),
        initiatives=initiatives, last_updated=last_updated,
    )


def network_sentences(*, summary: NetworkSummary, coalition: Coalition,
                      picture: bool = False) -> list[str]:
    """
    The network in a few sentences, each count with its noun in the right plural form
    (ngettext): for the picture's description (`picture`: where each column is) and the
    story's "Who works with whom".
    """
    network = summary.network
    organisations = len(network.of_type(method.ORGANISATION))
    people = len(network.of_type(method.PERSON))
    initiatives = len(summary.initiatives)
    orgs_text = ngettext("%(num)s organisation", "%(num)s organisations",
                         organisations) % {"num": organisations}
    if picture:
        sentences = [
            ngettext("%(num)s public initiative of %(coalition)s.",
                     "%(num)s public initiatives of %(coalition)s.", initiatives)
            % {"num": initiatives, "coalition": coalition.name},
            _("On the left, the %(organisations)s and %(people)s who work on them; on the "
              "right, the sub-domains they serve.") % {
                "organisations": orgs_text,
                "people": ngettext("%(num)s person", "%(num)s people", people) % {"num": people},
            },
        ]
    else:
        sentences = [
            ngettext("%(num)s organisation works on %(initiatives)s.",
                     "%(num)s organisations work on %(initiatives)s.", organisations) % {
                "num": organisations,
                "initiatives": ngettext("%(num)s public initiative",
                                        "%(num)s public initiatives",
                                        initiatives) % {"num": initiatives},
            },
        ]
    connectors = len(summary.domain_connectors)
    isolated = len(summary.isolated)
    sentences += [
        ngettext("%(num)s organisation connects two or more domains.",
                 "%(num)s organisations connect two or more domains.", connectors)
        % {"num": connectors},
        ngettext("%(num)s initiative has no partner and no named person.",
                 "%(num)s initiatives have no partner and no named person.", isolated)
        % {"num": isolated},
    ]
    return sentences


def network_picture(*, summary: NetworkSummary, coalition: Coalition) -> str | None:
    """The SVG of the network, or None when it is empty or too big to draw legibly."""
    network = summary.network
    if summary.is_empty or len(network.nodes) > PICTURE_MAX_NODES:
        return None
    labels = {
        "who": _("Organisations and people"), "what": _("Initiatives"),
        "where": _("Sub-domains"), "isolated": _("Isolated initiative"),
        "connector": _("Connects domains"), "type_organisation": _("organisation"),
        "type_person": _("person"), "type_initiative": _("initiative"),
        "type_subdomain": _("sub-domain"),
        **{f"sector_{key}": label for key, label in sector_names().items()},
    }
    description = " ".join([
        *network_sentences(summary=summary, coalition=coalition, picture=True),
        _("The tables on this page give the same information."),
    ])
    return method.network_svg(
        network, title=_("Network of %(coalition)s") % {"coalition": coalition.name},
        description=description, connectors=[c.node.id for c in summary.domain_connectors],
        labels=labels,
    )


def network_initiative_rows(summary: NetworkSummary) -> list[dict]:
    """The table alternative: per initiative its lead, partners, people and sub-domains."""
    isolated = {n.id for n in summary.isolated}
    rows = []
    for initiative in summary.initiatives:
        rows.append({
            "initiative": initiative,
            "lead": initiative.lead_organisation,
            "partners": list(initiative.partners.all()),
            "people": initiative.public_people_list,
            "subdomains": initiative.subdomain_list,
            "isolated": initiative_node_id(initiative) in isolated,
        })
    return rows


NODE_COLUMNS = ["id", "type", "label", "sector", "domain", "status", "start", "end",
                "betweenness", "domains_reached", "isolated", "url"]


def network_node_rows(summary: NetworkSummary):
    """One row per node for the CSV twin, with the measures."""
    connectors = {c.node.id: c for c in summary.connectors}
    isolated = {n.id for n in summary.isolated}
    for node in summary.network.nodes.values():
        connector = connectors.get(node.id)
        yield {
            "id": node.id, "type": node.type, "label": node.label,
            "sector": node.attrs.get("sector"), "domain": node.attrs.get("domain"),
            "status": node.attrs.get("status"), "start": node.attrs.get("start"),
            "end": node.attrs.get("end"),
            "betweenness": betweenness_published(connector.betweenness) if connector else None,
            "domains_reached": len(connector.domains) if connector else None,
            "isolated": (node.id in isolated) if node.type == method.INITIATIVE else None,
            "url": node.attrs.get("url"),
        }


def network_export(summary: NetworkSummary) -> dict[str, list[dict]]:
    """
    The nodes and links of network.json (`methods.network.network_as_dict`), organisation
    nodes with their `betweenness` as the page publishes it (a string of digits, like every
    decimal in the twins), so that the figure can be recomputed from the links.
    """
    document = network_as_dict(summary.network)
    published = summary.betweenness
    for node in document["nodes"]:
        if node["id"] in published:
            node["betweenness"] = format(published[node["id"]], "f")
    return document
