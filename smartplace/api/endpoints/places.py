"""Places: UK local authorities with their register and GSS codes (the web's /places/)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema

from smartplace.api.auth import api_user
from smartplace.api.errors import READ_ERRORS, ApiError, field_errors
from smartplace.api.pagination import cursor_paginate
from smartplace.api.params import check_query, cursor_query, limit_query
from smartplace.places import selectors
from smartplace.places.forms import PlaceFilterForm
from smartplace.places.views import _place_row

router = Router(tags=["places"])
FILTERS = ("q", "type", "region", "nation", "status")


class PlaceOut(Schema):
    """One place; the same fields as a row of /places.csv."""

    register_code: str
    gss_code: str
    name: str
    short_name: str
    type_code: str
    type: str
    nation: str
    region: str
    parent_code: str
    parent_name: str
    combined_authority_code: str
    combined_authority_name: str
    start_date: date | None
    end_date: date | None
    current: bool
    replaced_by: list[str]
    former_gss_codes: list[str]
    lower_or_unitary: bool | None
    population_2020: int | None
    updated_at: datetime
    url: str


class PlacePage(Schema):
    items: list[PlaceOut]
    next: str | None


@router.get("/places", response={200: PlacePage, **READ_ERRORS}, operation_id="place_list",
            summary="List places")
def place_list(request, q: str = "", type: str = "", region: str = "", nation: str = "",
               status: str = "", cursor: str | None = cursor_query(), limit: int = limit_query()):
    """
    UK local authorities by name, with the filters of /places/: `q` (part of a name, or a
    whole register or GSS code), `type` (type name, such as "County"), `region`, `nation`,
    `status` ("current" or "former").
    """
    api_user(request)
    check_query(request, FILTERS, paged=True)
    data = {name: request.GET[name] for name in FILTERS if name in request.GET}
    form = PlaceFilterForm(data, options=selectors.place_filter_options())
    if not form.is_valid():
        raise ApiError(400, _("The filters are not valid."), field_errors("query", form.errors))
    places = selectors.place_list(**form.filters())
    rows, nxt = cursor_paginate(request, places, keys=("name", "pk"), limit=limit,
                                cursor=cursor)
    return {"items": [_place_row(request, place) for place in rows], "next": nxt}


@router.get("/places/{code}", response={200: PlaceOut, **READ_ERRORS},
            operation_id="place_get", summary="Get a place")
def place_get(request, code: str = Path(..., pattern=r"^[A-Za-z0-9]{1,12}$",
                                            description="Register or GSS code")):
    """One place by its register code ("SHF"), GSS code ("E08000019") or a former GSS code."""
    api_user(request)
    check_query(request, ())
    place = selectors.place_resolve(code=code)
    if place is None:
        raise Http404(_("There is no place with this code."))
    return _place_row(request, place)
