"""Organisations across all coalitions (the web's /organisations/)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router

from smartplace.api.auth import api_user
from smartplace.api.errors import READ_ERRORS, ApiError, field_errors
from smartplace.api.pagination import cursor_paginate
from smartplace.api.params import check_query, cursor_query, limit_query, slug_path
from smartplace.api.schemas import OrganisationOut, OrganisationPage, organisation_out
from smartplace.initiatives.selectors import initiative_ids_visible, organisation_involvement
from smartplace.organisations.filters import OrganisationFilterForm
from smartplace.organisations.models import Organisation
from smartplace.organisations.selectors import organisation_list_filtered

router = Router(tags=["organisations"])
FILTERS = ("q", "sector")


@router.get("/organisations", response={200: OrganisationPage, **READ_ERRORS},
            operation_id="organisation_list", summary="List organisations")
def organisation_list(request, q: str = "", sector: str = "",
                      cursor: str | None = cursor_query(), limit: int = limit_query()):
    """
    Every organisation by name, with the filters of /organisations/: `q` (words in its name
    or other names) and `sector` (public, business, academic, voluntary, other). Counts of
    initiatives include only those the caller may see.
    """
    user = api_user(request)
    check_query(request, FILTERS, paged=True)
    form = OrganisationFilterForm({k: request.GET[k] for k in FILTERS if k in request.GET})
    if not form.is_valid():
        raise ApiError(400, _("The filters are not valid."), field_errors("query", form.errors))
    organisations = organisation_list_filtered(user=user, **form.cleaned_data)
    rows, nxt = cursor_paginate(request, organisations, keys=("name", "pk"), limit=limit,
                                cursor=cursor)
    return {"items": [organisation_out(request, o) for o in rows], "next": nxt}


@router.get("/organisations/{slug}", response={200: OrganisationOut, **READ_ERRORS},
            operation_id="organisation_get", summary="Get an organisation")
def organisation_get(request, slug: str = slug_path("The organisation's slug")):
    """One organisation by slug."""
    user = api_user(request)
    check_query(request, ())
    organisation = organisation_involvement(
        Organisation.objects.select_related("place").filter(slug=slug),
        initiatives=initiative_ids_visible(user=user),
    ).first()
    if organisation is None:
        raise Http404(_("There is no organisation at this address."))
    return organisation_out(request, organisation)
