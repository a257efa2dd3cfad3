"""Public pages for places: the list of UK local authorities and one page for each."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from smartplace.core.formats import Dataset, lazy_rows, paginate, respond
from smartplace.places import selectors
from smartplace.places.forms import PlaceFilterForm
from smartplace.places.models import Place
from smartplace.places.register import REGISTER_LICENCE, REGISTER_SOURCE

PLACE_COLUMNS = [
    "register_code",
    "gss_code",
    "name",
    "short_name",
    "type_code",
    "type",
    "nation",
    "region",
    "parent_code",
    "parent_name",
    "combined_authority_code",
    "combined_authority_name",
    "start_date",
    "end_date",
    "current",
    "replaced_by",
    "former_gss_codes",
    "lower_or_unitary",
    "population_2020",
    "updated_at",
    "url",
]


def _place_row(request: HttpRequest, place: Place) -> dict[str, Any]:
    """One place as the `.json` and `.csv` twins give it."""
    return {
        "register_code": place.register_code,
        "gss_code": place.gss_code,
        "name": place.name,
        "short_name": place.short_name,
        "type_code": place.place_type,
        "type": place.place_type_name,
        "nation": place.nation,
        "region": place.region,
        "parent_code": place.parent.register_code if place.parent else "",
        "parent_name": place.parent.name if place.parent else "",
        "combined_authority_code": place.combined_authority.register_code
        if place.combined_authority else "",
        "combined_authority_name": place.combined_authority.name
        if place.combined_authority else "",
        "start_date": place.start_date,
        "end_date": place.end_date,
        "current": place.is_current,
        "replaced_by": place.replaced_by_codes,
        "former_gss_codes": place.former_gss_code_list,
        "lower_or_unitary": place.lower_or_unitary,
        "population_2020": place.population,
        "updated_at": place.updated_at,
        "url": request.build_absolute_uri(place.get_absolute_url()),
    }


def _link(request: HttpRequest, obj) -> dict[str, str]:
    return {"name": obj.name, "url": request.build_absolute_uri(obj.get_absolute_url())}


def _place_brief(request: HttpRequest, place: Place) -> dict[str, Any]:
    return {
        "register_code": place.register_code,
        "gss_code": place.gss_code,
        **_link(request, place),
        "current": place.is_current,
    }


def _bad_filters(request: HttpRequest, fmt: str, form: PlaceFilterForm) -> HttpResponse:
    """A twin asked with filters that are not valid: 400 with the messages, per field."""
    errors = {name: [str(message) for message in messages]
              for name, messages in form.errors.items()}
    if fmt == "json":
        return HttpResponse(json.dumps({"errors": errors}, ensure_ascii=False, indent=2),
                            content_type="application/json", status=400)
    lines = [f"{name}: {message}" for name, messages in errors.items() for message in messages]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8",
                        status=400)


def place_list(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """
    Every UK local authority in the register, filtered by name or code, type, region, nation
    and current or former; 50 a page in HTML, all matching rows in the twins without ?page=.

    Template: places/place_list.html
    Context: form, places (this page's rows), page, count, filtered, breadcrumbs
    Formats: .json, .csv (the same rows and filters)
    """
    form = PlaceFilterForm(request.GET or None, options=selectors.place_filter_options())
    valid = not form.is_bound or form.is_valid()
    if not valid and fmt != "html":
        return _bad_filters(request, fmt, form)
    places = selectors.place_list(**form.filters()) if valid else Place.objects.none()
    page, rows = paginate(request, places, fmt)
    count = page.paginator.count if page is not None else None
    last_updated = selectors.place_last_changed(places=places) if valid else None

    def dataset() -> Dataset:
        return Dataset(
            title="Places: UK local authorities",
            columns=PLACE_COLUMNS,
            rows=(_place_row(request, place) for place in lazy_rows(rows)),
            licence=REGISTER_LICENCE,
            last_updated=last_updated,
            count=count,
            extra={"source_data": REGISTER_SOURCE,
                   "filters": form.filters() if valid else {}},
        )

    context = {
        "form": form,
        "places": rows,
        "page": page,
        "count": count,
        "filtered": bool(valid and any(form.filters().values())),
        "register_source": REGISTER_SOURCE,
        "breadcrumbs": [{"text": _("Home"), "href": reverse("core:home")}],
    }
    response = respond(request, fmt, template="places/place_list.html", context=context,
                       dataset=dataset, filename="places")
    if not valid:
        response.status_code = 400
    return response


def place_detail(request: HttpRequest, code: str, fmt: str = "html") -> HttpResponse:
    """
    One place: its codes, type, region, county, combined authority, dates and population; the
    districts in it, the places it replaced or that replaced it, and the coalitions and
    organisations for it. `code` is its GSS code (the address used), register code or a former
    GSS code; other spellings redirect to the address with the current code.

    Template: places/place_detail.html
    Context: place, children, members, successors, predecessors, coalitions, organisations,
             breadcrumbs
    Formats: .json (the place, with children, coalitions and organisations), .csv (the place)
    """
    place = selectors.place_resolve(code=code)
    if place is None:
        raise Http404(_("There is no place with the code “%(code)s”.") % {"code": code})
    if code != place.url_code:
        target = place.get_absolute_url()
        if fmt != "html":
            target = f"{target.rstrip('/')}.{fmt}"
        query = request.META.get("QUERY_STRING", "")
        return redirect(f"{target}?{query}" if query else target)
    related = selectors.place_detail_get(place=place)

    def dataset() -> Dataset:
        return Dataset(
            title=place.name,
            columns=PLACE_COLUMNS,
            rows=[_place_row(request, place)],
            licence=REGISTER_LICENCE,
            last_updated=place.updated_at,
            extra={
                "source_data": REGISTER_SOURCE,
                **{
                    key: [_place_brief(request, other) for other in related[key]]
                    for key in ("children", "members", "successors", "predecessors")
                },
                "coalitions": [_link(request, coalition) for coalition in related["coalitions"]],
                "organisations": [_link(request, org) for org in related["organisations"]],
            },
        )

    context = {
        "place": place,
        **related,
        "register_source": REGISTER_SOURCE,
        "breadcrumbs": [
            {"text": _("Home"), "href": reverse("core:home")},
            {"text": _("Places"), "href": reverse("places:place_list")},
        ],
    }
    return respond(request, fmt, template="places/place_detail.html", context=context,
                   dataset=dataset, filename=f"place-{place.url_code}")
