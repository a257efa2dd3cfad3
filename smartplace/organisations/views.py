"""
Organisations across all coalitions: the list (search and sector filter) and one organisation's
page with the initiatives it leads or is a partner in. Both have `.json` and `.csv` twins.
"""

from __future__ import annotations

from itertools import groupby

from django.conf import settings
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from smartplace.core.formats import Dataset, lazy_rows, paginate, respond
from smartplace.initiatives.selectors import (
    INITIATIVE_COLUMNS,
    initiative_list_for_organisation,
    initiative_row,
)
from smartplace.initiatives.views import invalid_filters
from smartplace.organisations.filters import OrganisationFilterForm
from smartplace.organisations.models import Organisation
from smartplace.organisations.selectors import (
    organisation_get,
    organisation_list_filtered,
    organisation_list_last_updated,
)

ORGANISATION_LIST_COLUMNS = [
    "id", "slug", "url", "name", "sector", "website", "place_code", "gss_code",
    "companies_house_number", "charity_number", "initiatives_led", "initiatives_partnered",
]


def organisation_list(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """
    Every organisation, searchable by name (`q`) and filtered by `sector`, with how many
    initiatives (that the user may see) each leads and is a partner in.

    Template: organisations/organisation_list.html
    Context: form, page, organisations, breadcrumbs
    Formats: .json, .csv (one row per organisation; 400 with the errors for invalid filters)
    """
    form = OrganisationFilterForm({k: request.GET[k] for k in ("q", "sector") if k in request.GET})
    title = _("Organisations")
    context = {
        "form": form,
        "breadcrumbs": [{"text": _("Home"), "href": reverse("core:home")}],
    }
    if not form.is_valid():
        return invalid_filters(request, fmt, form, template="organisations/organisation_list.html",
                               context=context, title=title,
                               licence=settings.SMARTPLACE_DEFAULT_LICENCE)
    organisations = organisation_list_filtered(user=request.user, **form.cleaned_data)
    page, rows = paginate(request, organisations, fmt)
    context.update({"page": page, "organisations": rows,
                    "filtered": any(form.cleaned_data.values())})

    def dataset() -> Dataset:
        return Dataset(
            title=title,
            columns=ORGANISATION_LIST_COLUMNS,
            rows=({
                "id": organisation.pk,
                "slug": organisation.slug,
                "url": request.build_absolute_uri(organisation.get_absolute_url()),
                "name": organisation.name,
                "sector": organisation.sector,
                "website": organisation.website,
                "place_code": organisation.place.url_code if organisation.place else None,
                "gss_code": organisation.place.gss_code if organisation.place else None,
                "companies_house_number": organisation.companies_house_number,
                "charity_number": organisation.charity_number,
                "initiatives_led": organisation.led_count,
                "initiatives_partnered": organisation.partner_count,
            } for organisation in lazy_rows(rows)),
            last_updated=organisation_list_last_updated(),
            count=page.paginator.count if page else None,
            extra={"filters": {k: request.GET.get(k, "") for k in ("q", "sector")}},
        )

    return respond(request, fmt, template="organisations/organisation_list.html",
                   context=context, dataset=dataset, filename="organisations")


def organisation_detail(request: HttpRequest, fmt: str = "html", *, slug: str) -> HttpResponse:
    """
    One organisation: sector, identifiers, place, and the initiatives it leads or is a partner
    in, grouped by coalition (only those the user may see).

    Template: organisations/organisation_detail.html
    Context: organisation, page, initiatives, groups (coalition, its initiatives), breadcrumbs
    Formats: .json, .csv (one row per initiative, with the coalition and the organisation's
    role; the JSON also has the organisation)
    """
    try:
        organisation = organisation_get(slug=slug)
    except Organisation.DoesNotExist as error:
        raise Http404(_("There is no organisation at this address.")) from error
    initiatives = initiative_list_for_organisation(organisation=organisation, user=request.user)
    page, rows = paginate(request, initiatives, fmt)
    context = {
        "organisation": organisation,
        "page": page,
        "initiatives": rows,
        "groups": [(coalition, list(items))
                   for coalition, items in groupby(rows, key=lambda i: i.coalition)]
        if fmt == "html" else [],
        "breadcrumbs": [
            {"text": _("Home"), "href": reverse("core:home")},
            {"text": _("Organisations"), "href": reverse("organisations:organisation_list")},
        ],
    }

    def dataset() -> Dataset:
        latest = initiatives.aggregate(latest=Max("updated_at"))["latest"]
        return Dataset(
            title=organisation.name,
            columns=["coalition", "role", *INITIATIVE_COLUMNS],
            rows=({
                **initiative_row(initiative, absolute=request.build_absolute_uri),
                "role": "lead" if initiative.lead_organisation_id == organisation.pk
                else "partner",
            } for initiative in lazy_rows(rows)),
            last_updated=max(filter(None, [organisation.updated_at, latest])),
            count=page.paginator.count if page else None,
            extra={"organisation": {
                "slug": organisation.slug,
                "name": organisation.name,
                "sector": organisation.sector,
                "website": organisation.website,
                "description": organisation.description,
                "identifiers": organisation.identifiers,
                "place": organisation.place.url_code if organisation.place else None,
            }},
        )

    return respond(request, fmt, template="organisations/organisation_detail.html",
                   context=context, dataset=dataset, filename=organisation.slug)
