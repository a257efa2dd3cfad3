"""The network page of a coalition and its nodes-and-links export."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from smartplace.core.formats import Dataset, plain, respond
from smartplace.initiatives.views import coalition_context, coalition_or_404
from smartplace.insights.network import (
    NODE_COLUMNS,
    network_export,
    network_initiative_rows,
    network_node_rows,
    network_picture,
    network_summary,
    sector_names,
)


def network(request: HttpRequest, fmt: str = "html", *, slug: str) -> HttpResponse:
    """
    Who works with whom: the coalition's network of organisations, people (with consent),
    public initiatives and sub-domains, as a picture with tables, and what it says: the
    organisations that connect domains, isolated initiatives, the sector mix per domain, and
    how the network changed year by year.

    Template: insights/network.html
    Context: coalition, summary, svg, rows, sectors, breadcrumbs
    Formats: .json (`{"nodes": [...], "links": [...]}` with licence and source), .csv (one row
    per node with its measures)
    """
    coalition = coalition_or_404(slug)
    summary = network_summary(coalition=coalition, absolute=request.build_absolute_uri)
    title = _("Network of %(coalition)s") % {"coalition": coalition.name}
    if fmt == "json":
        document = {
            "title": title,
            "source": request.build_absolute_uri(request.path.rsplit(".", 1)[0] + "/"),
            "licence": coalition.licence,
            "last_updated": plain(summary.last_updated),
            **network_export(summary),
        }
        return JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})

    def dataset() -> Dataset:
        return Dataset(title=title, columns=NODE_COLUMNS, rows=network_node_rows(summary),
                       licence=coalition.licence, last_updated=summary.last_updated)

    context = {
        **coalition_context(request, coalition),
        "summary": summary,
        "svg": network_picture(summary=summary, coalition=coalition) if fmt == "html" else None,
        "rows": network_initiative_rows(summary),
        "sectors": list(sector_names().values()),
        "sector_labels": sector_names(),
    }
    return respond(request, fmt, template="insights/network.html", context=context,
                   dataset=dataset, filename=f"{coalition.slug}-network")
