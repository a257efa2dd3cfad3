"""The gaps page of a coalition: the heat-map and the opportunities, with the rule."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from smartplace.core.formats import Dataset, respond
from smartplace.initiatives.selectors import initiative_last_updated
from smartplace.initiatives.views import coalition_context, coalition_or_404
from smartplace.insights.gaps import (
    FLAG_LABELS,
    FLAGS,
    GAP_COLUMNS,
    gaps_for_coalition,
    heat_class,
)
from smartplace.organisations.models import Sector


def gaps(request: HttpRequest, fmt: str = "html", *, slug: str) -> HttpResponse:
    """
    Where the coalition's activity is thin: per sub-domain, active initiatives by sector,
    organisations involved, evidence recorded and consolidated fitness (a heat-map table with
    the numbers in every cell), and the opportunities ranked by the documented rule.

    Template: insights/gaps.html
    Context: coalition, report, sectors, flag_labels, heat_class, breadcrumbs
    Formats: .json, .csv (one row per sub-domain with its figures and flags; the JSON also has
    the rule, the round the fitness comes from and the opportunities in order)
    """
    coalition = coalition_or_404(slug)
    report = gaps_for_coalition(coalition=coalition, user=request.user)
    context = {
        **coalition_context(request, coalition),
        "report": report,
        "sectors": list(Sector.choices),
        "flag_labels": FLAG_LABELS,
        "flags": FLAGS,
        "heat_class": heat_class,
    }

    def dataset() -> Dataset:
        round_ = report.round
        return Dataset(
            title=_("Gaps in %(coalition)s") % {"coalition": coalition.name},
            columns=GAP_COLUMNS,
            rows=(row.as_dict() for row in report.rows),
            licence=coalition.licence,
            last_updated=initiative_last_updated(user=request.user, coalition=coalition),
            extra={
                "coalition": coalition.slug,
                "rule": [{"flag": flag, "text": text} for flag, text in report.describe_rule()],
                "fitness_round": ({
                    "name": round_.name,
                    "url": request.build_absolute_uri(round_.get_absolute_url()),
                } if round_ is not None else None),
                "opportunities": [row.key for row in report.opportunities],
            },
        )

    return respond(request, fmt, template="insights/gaps.html", context=context,
                   dataset=dataset, filename=f"{coalition.slug}-gaps")

