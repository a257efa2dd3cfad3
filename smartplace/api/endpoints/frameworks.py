"""Frameworks shared by all coalitions: the built-ins and any loaded from files."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema

from smartplace.api.auth import api_user
from smartplace.api.errors import READ_ERRORS
from smartplace.api.pagination import cursor_paginate
from smartplace.api.params import check_query, cursor_query, limit_query, slug_path
from smartplace.api.schemas import FrameworkOut
from smartplace.frameworks.selectors import (
    framework_get_shared,
    framework_list_shared,
    framework_tree_data,
)

router = Router(tags=["frameworks"])


class FrameworkSummary(Schema):
    slug: str
    version: str
    name: str
    description: str
    domains: int
    subdomains: int
    url: str
    api_url: str


class FrameworkPage(Schema):
    items: list[FrameworkSummary]
    next: str | None


@router.get("/frameworks", response={200: FrameworkPage, **READ_ERRORS},
            operation_id="framework_list", summary="List shared frameworks")
def framework_list(request, cursor: str | None = cursor_query(), limit: int = limit_query()):
    """The frameworks a coalition can start from, by name and version."""
    api_user(request)
    check_query(request, (), paged=True)
    rows, nxt = cursor_paginate(request, framework_list_shared(),
                                keys=("name", "version", "pk"), limit=limit, cursor=cursor)
    return {"items": [{
        "slug": f.slug, "version": f.version, "name": f.name, "description": f.description,
        "domains": f.domain_count, "subdomains": f.subdomain_count,
        "url": request.build_absolute_uri(f.get_absolute_url()),
        "api_url": request.build_absolute_uri(f"{request.path}/{f.slug}/{f.version}"),
    } for f in rows], "next": nxt}


@router.get("/frameworks/{slug}/{version}", response={200: FrameworkOut, **READ_ERRORS},
            operation_id="framework_get", summary="Get a shared framework")
def framework_get(request, slug: str = slug_path("The framework's slug"),
                  version: str = Path(..., pattern=r"^[-a-zA-Z0-9_.]+$", max_length=30)):
    """One shared framework as a `smartplace-framework/1` file: levels, domains, sub-domains."""
    api_user(request)
    check_query(request, ())
    framework = framework_get_shared(slug=slug, version=version)
    if framework is None:
        raise Http404(_("There is no framework at this address."))
    return framework_tree_data(framework=framework, ids=True)
