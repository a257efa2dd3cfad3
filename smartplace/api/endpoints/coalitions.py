"""Coalitions: the list, one coalition, its framework and its organisations."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from smartplace.api.auth import api_user
from smartplace.api.errors import READ_ERRORS
from smartplace.api.pagination import cursor_paginate
from smartplace.api.params import check_query, cursor_query, limit_query, slug_path
from smartplace.api.schemas import FrameworkOut, Licence, OrganisationPage, organisation_out
from smartplace.coalitions.models import Coalition
from smartplace.coalitions.selectors import (
    coalition_list_with_counts,
    organisation_list_for_coalition,
)
from smartplace.frameworks.selectors import (
    framework_tree_data,
    framework_with_tree,
    smart_question_list_visible,
)
from smartplace.initiatives.selectors import initiative_ids_visible

router = Router(tags=["coalitions"])


class FrameworkRef(Schema):
    slug: str
    version: str
    name: str


class CoalitionOut(Schema):
    """A coalition; `initiatives` counts only those the caller may see."""

    slug: str
    name: str
    description: str
    place_code: str | None
    place_name: str | None
    framework: FrameworkRef | None
    initiatives: int
    licence: Licence
    is_demo: bool
    updated_at: str
    url: str


class CoalitionPage(Schema):
    items: list[CoalitionOut]
    next: str | None


def coalition_out(request, coalition: Coalition) -> dict:
    framework = coalition.framework
    return {
        "slug": coalition.slug,
        "name": coalition.name,
        "description": coalition.description,
        "place_code": coalition.place.url_code if coalition.place else None,
        "place_name": coalition.place.name if coalition.place else None,
        "framework": {"slug": framework.slug, "version": framework.version,
                      "name": framework.name} if framework else None,
        "initiatives": coalition.initiative_count,
        "licence": {"name": coalition.licence["name"], "url": coalition.licence["url"]},
        "is_demo": coalition.is_demo,
        "updated_at": coalition.updated_at.isoformat(timespec="seconds"),
        "url": request.build_absolute_uri(coalition.get_absolute_url()),
    }


def coalition_or_404(slug: str) -> Coalition:
    """The coalition with this slug (place and framework loaded), or a 404."""
    coalition = Coalition.objects.select_related("place", "framework").filter(slug=slug).first()
    if coalition is None:
        raise Http404(_("There is no coalition at this address."))
    return coalition


@router.get("/coalitions", response={200: CoalitionPage, **READ_ERRORS},
            operation_id="coalition_list", summary="List coalitions")
def coalition_list(request, cursor: str | None = cursor_query(), limit: int = limit_query()):
    """Every coalition on this site, by name."""
    user = api_user(request)
    check_query(request, (), paged=True)
    coalitions = coalition_list_with_counts(user=user).select_related("framework")
    rows, nxt = cursor_paginate(request, coalitions, keys=("name", "pk"), limit=limit,
                                cursor=cursor)
    return {"items": [coalition_out(request, c) for c in rows], "next": nxt}


@router.get("/coalitions/{slug}", response={200: CoalitionOut, **READ_ERRORS},
            operation_id="coalition_get", summary="Get a coalition")
def coalition_get(request, slug: str = slug_path("The coalition's slug")):
    """One coalition."""
    user = api_user(request)
    check_query(request, ())
    coalition = coalition_or_404(slug)
    coalition.initiative_count = Coalition.objects.filter(pk=coalition.pk).aggregate(
        n=Count("initiatives", filter=Q(initiatives__in=initiative_ids_visible(user=user))),
    )["n"]
    return coalition_out(request, coalition)


@router.get("/coalitions/{slug}/framework", response={200: FrameworkOut, **READ_ERRORS},
            operation_id="coalition_framework_get", summary="Get a coalition's framework")
def coalition_framework(request, slug: str = slug_path("The coalition's slug")):
    """
    The coalition's own domain model: levels, domains, sub-domains and smart questions (the
    declined ones only for its members).
    """
    user = api_user(request)
    check_query(request, ())
    coalition = coalition_or_404(slug)
    if coalition.framework_id is None:
        raise Http404(_("This coalition has no framework yet."))
    framework = framework_with_tree(questions=smart_question_list_visible(user=user)).get(
        pk=coalition.framework_id)
    return framework_tree_data(framework=framework, ids=True)


@router.get("/coalitions/{slug}/organisations", response={200: OrganisationPage, **READ_ERRORS},
            operation_id="coalition_organisation_list",
            summary="List a coalition's organisations")
def coalition_organisations(request, slug: str = slug_path("The coalition's slug"),
                            cursor: str | None = cursor_query(), limit: int = limit_query()):
    """
    The organisations active in the coalition: lead or partner of its initiatives that the
    caller may see, or the organisation of an active member; by name.
    """
    user = api_user(request)
    check_query(request, (), paged=True)
    coalition = coalition_or_404(slug)
    organisations = organisation_list_for_coalition(coalition=coalition, user=user)
    rows, nxt = cursor_paginate(request, organisations, keys=("name", "pk"), limit=limit,
                                cursor=cursor)
    return {"items": [organisation_out(request, o) for o in rows], "next": nxt}
