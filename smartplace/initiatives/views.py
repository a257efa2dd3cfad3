"""
A coalition's initiatives: the searchable, filterable list and one initiative's page.

Both have `.json` and `.csv` twins built from the same rows (`core.formats`).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from smartplace.coalitions.models import Coalition
from smartplace.coalitions.selectors import coalition_get, organisation_list_for_coalition
from smartplace.core.formats import Dataset, paginate, respond
from smartplace.frameworks.models import Domain, SubDomain
from smartplace.initiatives.filters import FILTER_NAMES, InitiativeFilterForm
from smartplace.initiatives.models import Initiative
from smartplace.initiatives.selectors import (
    INITIATIVE_COLUMNS,
    INITIATIVE_DETAIL_COLUMNS,
    InitiativeFilters,
    initiative_get_visible,
    initiative_last_updated,
    initiative_list_filtered,
    initiative_row,
    initiative_rows,
)
from smartplace.insights.evidence import initiative_insights
from smartplace.insights.questions import questions_answered_by


def coalition_or_404(slug: str) -> Coalition:
    """The coalition with this slug, or a 404 page."""
    try:
        return coalition_get(slug=slug)
    except Coalition.DoesNotExist as error:
        raise Http404(_("There is no coalition at this address.")) from error


def coalition_context(request: HttpRequest, coalition: Coalition, *crumbs: dict) -> dict:
    """Context every page of a coalition shares: the coalition, demo banner, breadcrumbs."""
    return {
        "coalition": coalition,
        "demo_banner": coalition.is_demo,
        "breadcrumbs": [
            {"text": _("Home"), "href": reverse("core:home")},
            {"text": _("Coalitions"), "href": reverse("coalitions:coalition_list")},
            {"text": coalition.name, "href": coalition.get_absolute_url()},
            *crumbs,
        ],
    }


def invalid_filters(request: HttpRequest, fmt: str, form, *, template: str,
                    context: dict[str, Any], title: str, licence: dict) -> HttpResponse:
    """
    400 for filters that are not valid: the page with a GOV.UK error summary, or for a twin a
    JSON body naming each field and what is wrong with it.
    """
    if fmt != "html":
        return JsonResponse({"title": title, "errors": form.error_dict()}, status=400,
                            json_dumps_params={"ensure_ascii": False, "indent": 2})
    response = respond(
        request, fmt, template=template, context={**context, "form": form, "page": None},
        dataset=lambda: Dataset(title=title, columns=[], rows=[], licence=licence),
        filename="",
    )
    response.status_code = 400
    return response


def _filter_form(request: HttpRequest, coalition: Coalition) -> InitiativeFilterForm:
    domains = domain_list_with_counts_for_form(coalition)
    organisations = organisation_list_for_coalition(coalition=coalition, user=request.user)
    data = {name: request.GET[name] for name in FILTER_NAMES if name in request.GET}
    return InitiativeFilterForm(data, domains=domains, organisations=organisations)


def domain_list_with_counts_for_form(coalition: Coalition) -> list[Domain]:
    """The coalition's domains with their sub-domains (two queries), for the filter form."""
    if coalition.framework_id is None:
        return []
    return list(
        Domain.objects.filter(framework_id=coalition.framework_id)
        .prefetch_related("subdomains").order_by("position", "name")
    )


def initiative_list(request: HttpRequest, fmt: str = "html", *, slug: str) -> HttpResponse:
    """
    A coalition's initiatives, searchable and filtered by domain, sub-domain, status, sector
    and organisation (GET parameters `q`, `domain`, `subdomain`, `status`, `sector`,
    `organisation`). Members also see the coalition's private initiatives, tagged.

    Template: initiatives/initiative_list.html
    Context: coalition, form, filters, page, initiatives, count, can_add, can_import,
    breadcrumbs
    Formats: .json, .csv (one row per initiative, the same rows and filters; 400 with the
    errors for invalid filters)
    """
    coalition = coalition_or_404(slug)
    form = _filter_form(request, coalition)
    title = _("Initiatives of %(coalition)s") % {"coalition": coalition.name}
    context = {
        **coalition_context(request, coalition),
        "form": form,
        "can_add": request.user.has_perm("initiatives.add_initiative", coalition),
        "can_import": request.user.has_perm("initiatives.import_initiatives", coalition),
    }
    if not form.is_valid():
        return invalid_filters(request, fmt, form, template="initiatives/initiative_list.html",
                               context={**context, "filters": InitiativeFilters()},
                               title=title, licence=coalition.licence)
    filters = form.filters()
    initiatives = initiative_list_filtered(coalition=coalition, user=request.user,
                                           filters=filters)
    page, rows = paginate(request, initiatives, fmt)
    context.update({"filters": filters, "page": page, "initiatives": rows})

    def dataset() -> Dataset:
        return Dataset(
            title=title,
            columns=INITIATIVE_COLUMNS,
            rows=initiative_rows(rows, absolute=request.build_absolute_uri),
            licence=coalition.licence,
            last_updated=initiative_last_updated(user=request.user, coalition=coalition),
            count=page.paginator.count if page else None,
            extra={"coalition": coalition.slug,
                   "filters": {name: request.GET.get(name, "") for name in FILTER_NAMES}},
        )

    return respond(request, fmt, template="initiatives/initiative_list.html", context=context,
                   dataset=dataset, filename=f"{coalition.slug}-initiatives")


def initiative_detail(
    request: HttpRequest, fmt: str = "html", *, slug: str, initiative: str
) -> HttpResponse:
    """
    One initiative: status, dates, organisations, sub-domains, people with a public profile,
    links and evidence. 404 when `request.user` may not see it.

    Template: initiatives/initiative_detail.html
    Context: coalition, initiative, evidence, people, links, subdomains, smart_questions (those
    it helps to answer that the user may see), can_edit, breadcrumbs
    Formats: .json, .csv (one row, the initiative with its evidence, people and links)
    """
    coalition = coalition_or_404(slug)
    try:
        item = initiative_get_visible(coalition=coalition, slug=initiative, user=request.user)
    except Initiative.DoesNotExist as error:
        raise Http404(_("There is no initiative at this address.")) from error
    try:
        evidence = item.evidence
    except Initiative.evidence.RelatedObjectDoesNotExist:
        evidence = None
    subdomains: list[SubDomain] = list(item.subdomains.all())
    questions = questions_answered_by(initiative_ids=[item.pk], user=request.user)[item.pk]
    context = {
        **coalition_context(
            request, coalition,
            {"text": _("Initiatives"),
             "href": reverse("coalitions:initiative_list", kwargs={"slug": coalition.slug})},
        ),
        "initiative": item,
        "evidence": evidence,
        "people": item.public_people,
        "links": list(item.links.all()),
        "subdomains": subdomains,
        "smart_questions": questions,
        "can_edit": request.user.has_perm("initiatives.change_initiative", item),
        # The evidence card and freshness flag (smartplace/insights).
        "insights": initiative_insights(initiative=item, user=request.user),
    }

    def dataset() -> Dataset:
        row = initiative_row(item, absolute=request.build_absolute_uri)
        row["people"] = [person.name for person in item.public_people]
        row["links"] = [link.url for link in context["links"]]
        row["smart_questions"] = [question.text for question in questions]
        last = max(filter(None, [item.updated_at, evidence.updated_at if evidence else None]))
        return Dataset(title=item.title, columns=INITIATIVE_DETAIL_COLUMNS, rows=[row],
                       licence=coalition.licence, last_updated=last)

    return respond(request, fmt, template="initiatives/initiative_detail.html", context=context,
                   dataset=dataset, filename=f"{coalition.slug}-{item.slug}")
