"""
A coalition's initiatives: list (the web's filters), one initiative, add one, change one.

Writes need a token; they respect the web's permissions (`initiatives.add_initiative` on the
coalition, `initiatives.change_initiative` on the initiative), go through
`initiatives.services` and are atomic: a request that fails changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from smartplace.api.auth import TokenAuth, api_user
from smartplace.api.endpoints.coalitions import coalition_or_404
from smartplace.api.errors import READ_ERRORS, WRITE_ERRORS, ApiError, field_errors
from smartplace.api.pagination import cursor_paginate
from smartplace.api.params import check_query, cursor_query, limit_query, slug_path
from smartplace.api.schemas import WriteSchema
from smartplace.coalitions.selectors import organisation_list_for_coalition
from smartplace.frameworks.models import SubDomain
from smartplace.initiatives import services
from smartplace.initiatives.filters import FILTER_NAMES, InitiativeFilterForm
from smartplace.initiatives.forms import (
    DESCRIPTION_MAX,
    LINK_TITLE_MAX,
    MAX_LINKS,
    TITLE_MAX,
    URL_MAX,
)
from smartplace.initiatives.models import Initiative
from smartplace.initiatives.selectors import (
    initiative_get_visible,
    initiative_list_filtered,
    initiative_list_for_display,
    initiative_list_visible,
)
from smartplace.initiatives.views import domain_list_with_counts_for_form
from smartplace.insights.questions import question_choices, questions_answered_by
from smartplace.organisations.models import Organisation

router = Router(tags=["initiatives"])

StatusChoice = Literal["idea", "planned", "active", "completed", "stopped"]
VisibilityChoice = Literal["public", "private"]
MONEY = ("capital_cost", "annual_cost", "annual_savings", "lifetime_years",
         "emission_savings_tco2e")


class Link(WriteSchema):
    url: str = Field(..., max_length=URL_MAX, description="An http or https address.")
    title: str = Field("", max_length=LINK_TITLE_MAX)


class EvidenceOut(Schema):
    """Money in pounds sterling, as decimal strings ("1250.00"); null when not recorded."""

    capital_cost: str | None
    annual_cost: str | None
    annual_savings: str | None
    lifetime_years: str | None
    emission_savings_tco2e: str | None
    funding_source: str


class InitiativeOut(Schema):
    """One initiative. `partners` and `lead_organisation` are organisation slugs;
    `subdomains` are "domain/sub-domain" slugs of the coalition's framework;
    `smart_questions` the ids of the smart questions it helps to answer (those the caller may
    see; `GET /coalitions/{slug}/framework` lists them)."""

    id: int
    slug: str
    coalition: str
    title: str
    description: str
    status: StatusChoice
    start_date: date | None
    end_date: date | None
    lead_organisation: str | None
    partners: list[str]
    subdomains: list[str]
    smart_questions: list[int]
    visibility: VisibilityChoice
    evidence: EvidenceOut | None
    updated_at: datetime
    url: str


class InitiativePage(Schema):
    items: list[InitiativeOut]
    next: str | None


class InitiativeIn(WriteSchema):
    """A new initiative. Only `title` is required; it is public unless `visibility` says so."""

    title: str = Field(..., min_length=1, max_length=TITLE_MAX)
    description: str = Field("", max_length=DESCRIPTION_MAX)
    status: StatusChoice = "active"
    start_date: date | None = None
    end_date: date | None = None
    lead_organisation: str | None = Field(None, max_length=120,
                                          description="An organisation's slug.")
    partners: list[str] = Field([], max_length=200, description="Organisation slugs.")
    subdomains: list[str] = Field([], max_length=500,
                                  description='"domain/sub-domain" slugs of the framework.')
    smart_questions: list[int] = Field(
        [], max_length=500, description="Ids of smart questions of the framework (not declined) "
                                        "that it helps to answer.")
    links: list[Link] = Field([], max_length=MAX_LINKS)
    visibility: VisibilityChoice = "public"


class InitiativePatch(WriteSchema):
    """Changes to an initiative: only the fields sent change; lists replace the old ones."""

    title: str = Field(None, min_length=1, max_length=TITLE_MAX)
    description: str = Field(None, max_length=DESCRIPTION_MAX)
    status: StatusChoice = None
    start_date: date | None = None
    end_date: date | None = None
    lead_organisation: str | None = Field(None, max_length=120)
    partners: list[str] = Field(None, max_length=200)
    subdomains: list[str] = Field(None, max_length=500)
    smart_questions: list[int] = Field(None, max_length=500)
    links: list[Link] = Field(None, max_length=MAX_LINKS)
    visibility: VisibilityChoice = None


def _plain_decimal(value) -> str | None:
    return None if value is None else format(value, "f")


def initiative_out(request, initiative: Initiative,
                   questions: dict[int, list] | None = None) -> dict[str, Any]:
    """
    An initiative prefetched by `initiative_list_for_display` as InitiativeOut. `questions`
    maps initiative ids to the smart questions they answer (`questions_answered_by`, for a
    page at once); without it, they are read for this initiative.
    """
    if questions is None:
        questions = questions_answered_by(initiative_ids=[initiative.pk], user=api_user(request))
    try:
        evidence = initiative.evidence
    except ObjectDoesNotExist:
        evidence = None
    return {
        "id": initiative.pk,
        "slug": initiative.slug,
        "coalition": initiative.coalition.slug,
        "title": initiative.title,
        "description": initiative.description,
        "status": initiative.status,
        "start_date": initiative.start_date,
        "end_date": initiative.end_date,
        "lead_organisation": initiative.lead_organisation.slug
        if initiative.lead_organisation else None,
        "partners": [o.slug for o in initiative.partners.all()],
        "subdomains": [f"{s.domain.slug}/{s.slug}" for s in initiative.subdomains.all()],
        "smart_questions": [q.pk for q in questions.get(initiative.pk, [])],
        "visibility": initiative.visibility,
        "evidence": {
            **{name: _plain_decimal(getattr(evidence, name)) for name in MONEY},
            "funding_source": evidence.funding_source,
        } if evidence else None,
        "updated_at": initiative.updated_at,
        "url": request.build_absolute_uri(initiative.get_absolute_url()),
    }


@router.get("/coalitions/{slug}/initiatives", response={200: InitiativePage, **READ_ERRORS},
            operation_id="initiative_list", summary="List a coalition's initiatives")
def initiative_list(request, slug: str = slug_path("The coalition's slug"), q: str = "",
                    domain: str = "", subdomain: str = "", status: str = "", sector: str = "",
                    organisation: str = "", cursor: str | None = cursor_query(),
                    limit: int = limit_query()):
    """
    The initiatives of a coalition the caller may see, with the filters of the web list:
    `q` (search words; results by relevance), `domain` and `subdomain` (slugs), `status`,
    `sector` (of the lead or a partner) and `organisation` (slug of the lead or a partner).
    Without `q`, by title.
    """
    user = api_user(request)
    check_query(request, FILTER_NAMES, paged=True)
    coalition = coalition_or_404(slug)
    form = InitiativeFilterForm(
        {name: request.GET[name] for name in FILTER_NAMES if name in request.GET},
        domains=domain_list_with_counts_for_form(coalition),
        organisations=organisation_list_for_coalition(coalition=coalition, user=user),
    )
    if not form.is_valid():
        raise ApiError(400, _("The filters are not valid."), field_errors("query", form.errors))
    filters = form.filters()
    initiatives = initiative_list_filtered(coalition=coalition, user=user, filters=filters)
    rows, nxt = cursor_paginate(request, initiatives, keys=None if filters.q else ("title", "pk"),
                                limit=limit, cursor=cursor)
    questions = questions_answered_by(initiative_ids=[i.pk for i in rows], user=user)
    return {"items": [initiative_out(request, i, questions) for i in rows], "next": nxt}


@router.get("/coalitions/{slug}/initiatives/{initiative}",
            response={200: InitiativeOut, **READ_ERRORS}, operation_id="initiative_get",
            summary="Get an initiative")
def initiative_get(request, slug: str = slug_path("The coalition's slug"),
                   initiative: str = slug_path("The initiative's slug")):
    """One initiative; 404 when it does not exist or is private to a coalition the caller is
    not an active member of."""
    user = api_user(request)
    check_query(request, ())
    coalition = coalition_or_404(slug)
    try:
        item = initiative_get_visible(coalition=coalition, slug=initiative, user=user)
    except Initiative.DoesNotExist as error:
        raise Http404(_("There is no initiative at this address.")) from error
    return initiative_out(request, item)


def _nul_paths(value: Any, path: str):
    """The paths of strings in `value` that contain NUL, which no database stores."""
    if isinstance(value, str) and "\x00" in value:
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nul_paths(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _nul_paths(item, f"{path}.{index}")


def _resolve(coalition, payload: dict[str, Any],
             initiative: Initiative | None = None) -> dict[str, Any]:
    """Slugs in `payload` → objects, as `initiatives.services` takes them; 422 for unknown."""
    errors: list[dict] = []
    data = dict(payload)
    nul = list(_nul_paths(data, ""))
    if nul:
        raise ApiError(422, _("The initiative is not valid."), [
            {"location": "body", "field": path, "message": _("Text cannot contain NUL "
                                                              "characters"), "code": "nul"}
            for path in nul])

    def error(field: str, message: str, code: str = "invalid") -> None:
        errors.append({"location": "body", "field": field, "message": message, "code": code})

    slugs = set(data.get("partners") or [])
    if data.get("lead_organisation"):
        slugs.add(data["lead_organisation"])
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=slugs)}
    if "lead_organisation" in data and data["lead_organisation"] is not None:
        lead = organisations.get(data["lead_organisation"])
        if lead is None:
            error("lead_organisation", _("There is no organisation “%(slug)s”")
                  % {"slug": data["lead_organisation"]}, "unknown")
        data["lead_organisation"] = lead
    if data.get("partners") is not None:
        for index, partner in enumerate(data["partners"]):
            if partner not in organisations:
                error(f"partners.{index}", _("There is no organisation “%(slug)s”")
                      % {"slug": partner}, "unknown")
        lead = data.get("lead_organisation")
        data["partners"] = list({o.pk: o for o in (organisations[p] for p in data["partners"]
                                                    if p in organisations)
                                 if not lead or o.pk != lead.pk}.values())
    if data.get("subdomains") is not None:
        available = {f"{s.domain.slug}/{s.slug}": s for s in SubDomain.objects.filter(
            domain__framework_id=coalition.framework_id).select_related("domain")} \
            if coalition.framework_id else {}
        chosen = []
        for index, name in enumerate(data["subdomains"]):
            if name not in available:
                error(f"subdomains.{index}", _("The coalition's framework has no sub-domain "
                                               "“%(name)s” (write “domain/sub-domain”)")
                      % {"name": name}, "unknown")
            elif available[name] not in chosen:
                chosen.append(available[name])
        data["subdomains"] = chosen
    if data.get("smart_questions") is not None:
        offered = {q.pk: q for q in question_choices(coalition=coalition,
                                                     initiative=initiative)}
        questions = []
        for index, pk in enumerate(data["smart_questions"]):
            if pk not in offered:
                error(f"smart_questions.{index}", _(
                    "The coalition's framework has no smart question %(id)s that can be "
                    "answered (it does not exist or has been declined)") % {"id": pk}, "unknown")
            elif offered[pk] not in questions:
                questions.append(offered[pk])
        data["smart_questions"] = questions
    if data.get("links") is not None:
        validate = URLValidator(schemes=["http", "https"])
        seen = set()
        links = []
        for index, link in enumerate(data["links"]):
            try:
                validate(link["url"])
            except DjangoValidationError:
                error(f"links.{index}.url", _("Enter a web address in the correct format, like "
                                              "https://www.ambridge.example/project"))
                continue
            if link["url"] in seen:
                error(f"links.{index}.url", _("This address is already in the list"),
                      "duplicate")
                continue
            seen.add(link["url"])
            links.append((link["url"], link.get("title") or ""))
        data["links"] = links
    if "title" in data and not (data["title"] or "").strip():
        error("title", _("Enter a title"), "required")
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and end < start:
        error("end_date", _("End date must be the same as or after the start date"),
              "before_start")
    if errors:
        raise ApiError(422, _("The initiative is not valid."), errors)
    return data


def _service_errors(error: DjangoValidationError) -> ApiError:
    if hasattr(error, "error_dict"):
        items = field_errors("body", {k: [m for e in v for m in e.messages]
                                      for k, v in error.error_dict.items()})
    else:
        items = [{"location": "body", "field": None, "message": m, "code": "invalid"}
                 for m in error.messages]
    return ApiError(422, _("The initiative is not valid."), items)


def _reload(request, initiative: Initiative) -> dict[str, Any]:
    fresh = initiative_list_for_display(Initiative.objects.filter(pk=initiative.pk)).get()
    return initiative_out(request, fresh)


@router.post("/coalitions/{slug}/initiatives", auth=TokenAuth(),
             response={201: InitiativeOut, **WRITE_ERRORS}, operation_id="initiative_create",
             summary="Add an initiative")
def initiative_create(request, response: HttpResponse, payload: InitiativeIn,
                      slug: str = slug_path("The coalition's slug")):
    """
    Add an initiative to a coalition, as an active member of it (or a superuser). Its slug
    comes from the title. 403 for anyone else; 422 naming each field that is not valid.
    """
    check_query(request, ())
    coalition = coalition_or_404(slug)
    if not request.auth.has_perm("initiatives.add_initiative", coalition):
        raise ApiError(403, _("Only active members of this coalition can add initiatives."))
    data = _resolve(coalition, payload.dict())
    try:
        initiative = services.initiative_create(coalition=coalition, data=data,
                                                created_by=request.auth)
    except DjangoValidationError as error:
        raise _service_errors(error) from error
    response["Location"] = request.build_absolute_uri(f"{request.path}/{initiative.slug}")
    return Status(201, _reload(request, initiative))


@router.patch("/coalitions/{slug}/initiatives/{initiative}", auth=TokenAuth(),
              response={200: InitiativeOut, **WRITE_ERRORS}, operation_id="initiative_update",
              summary="Change an initiative")
def initiative_update(request, payload: InitiativePatch,
                      slug: str = slug_path("The coalition's slug"),
                      initiative: str = slug_path("The initiative's slug")):
    """
    Change an initiative, as an active member of its coalition (or a superuser); only the
    fields sent change. 404 for an initiative the caller may not see, 403 when they may see
    it but not change it, 422 naming each field that is not valid.
    """
    check_query(request, ())
    coalition = coalition_or_404(slug)
    user = request.auth
    item = initiative_list_visible(user=user).filter(coalition=coalition,
                                                     slug=initiative).first()
    if item is None:
        raise Http404(_("There is no initiative at this address."))
    if not user.has_perm("initiatives.change_initiative", item):
        raise ApiError(403, _("Only active members of this coalition can change its "
                              "initiatives."))
    sent = payload.dict(exclude_unset=True)
    for name in ("title", "status", "visibility", "description", "partners", "subdomains",
                 "smart_questions", "links"):
        if name in sent and sent[name] is None:
            raise ApiError(422, _("The initiative is not valid."), [
                {"location": "body", "field": name, "message": _("This field cannot be null"),
                 "code": "null"}])
    start = sent.get("start_date", item.start_date)
    end = sent.get("end_date", item.end_date)
    data = _resolve(coalition, {**sent, "start_date": start, "end_date": end}, item)
    data = {k: v for k, v in data.items() if k in sent}
    try:
        item = services.initiative_update(initiative=item, data=data, updated_by=user)
    except DjangoValidationError as error:
        raise _service_errors(error) from error
    return _reload(request, item)
