"""
A coalition's public map: the list of coalitions, a coalition's home with its domain model,
a domain, a sub-domain, and the organisations active in the coalition.

Every page has `.json` and `.csv` twins with the same rows (`core.formats`). Counts follow the
privacy rule: anonymous users and non-members count public initiatives only.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from smartplace.coalitions.selectors import (
    coalition_list_last_updated,
    coalition_list_with_counts,
    coalition_totals,
    domain_get,
    domain_list_with_counts,
    organisation_list_for_coalition,
    subdomain_get,
    subdomain_list_with_counts,
)
from smartplace.core.formats import Dataset, lazy_rows, paginate, respond
from smartplace.frameworks.forms import QuestionProposeForm
from smartplace.frameworks.models import Domain, SmartQuestion, SubDomain
from smartplace.frameworks.selectors import smart_question_list_for_domain
from smartplace.initiatives.selectors import (
    INITIATIVE_COLUMNS,
    initiative_last_updated,
    initiative_list_for_domain,
    initiative_rows,
    organisation_list_involved,
)
from smartplace.initiatives.views import coalition_context, coalition_or_404
from smartplace.insights.questions import initiatives_answering

ORGANISATION_COLUMNS = [
    "id", "slug", "url", "name", "sector", "website", "initiatives_led",
    "initiatives_partnered",
]


def _organisation_rows(organisations, request: HttpRequest):
    for organisation in organisations:
        yield {
            "id": organisation.pk,
            "slug": organisation.slug,
            "url": request.build_absolute_uri(organisation.get_absolute_url()),
            "name": organisation.name,
            "sector": organisation.sector,
            "website": organisation.website,
            "initiatives_led": organisation.led_count,
            "initiatives_partnered": organisation.partner_count,
        }


def _organisation_extra(organisations) -> list[dict]:
    return [{"slug": o.slug, "name": o.name, "sector": o.sector, "initiatives_led": o.led_count,
             "initiatives_partnered": o.partner_count} for o in organisations]


def coalition_list(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """
    Every coalition on this site, with its place and how many initiatives it has recorded.

    Template: coalitions/coalition_list.html
    Context: coalitions, breadcrumbs
    Formats: .json, .csv (one row per coalition)
    """
    coalitions = list(coalition_list_with_counts(user=request.user))

    def dataset() -> Dataset:
        return Dataset(
            title=_("Coalitions"),
            columns=["id", "slug", "url", "name", "description", "place_code", "place_name",
                     "initiatives", "licence", "is_demo"],
            rows=({
                "id": coalition.pk,
                "slug": coalition.slug,
                "url": request.build_absolute_uri(coalition.get_absolute_url()),
                "name": coalition.name,
                "description": coalition.description,
                "place_code": coalition.place.url_code if coalition.place else None,
                "place_name": coalition.place.name if coalition.place else None,
                "initiatives": coalition.initiative_count,
                "licence": coalition.licence["name"],
                "is_demo": coalition.is_demo,
            } for coalition in coalitions),
            last_updated=coalition_list_last_updated(user=request.user),
        )

    context = {
        "coalitions": coalitions,
        "breadcrumbs": [{"text": _("Home"), "href": reverse("core:home")}],
    }
    return respond(request, fmt, template="coalitions/coalition_list.html", context=context,
                   dataset=dataset, filename="coalitions")


def coalition_detail(request: HttpRequest, fmt: str = "html", *, slug: str) -> HttpResponse:
    """
    A coalition's home: description, place, totals, and its domain model as a grid of domain
    cards (smart questions, sub-domains with active and all initiative counts).

    Template: coalitions/coalition_detail.html
    Context: coalition, domains, totals, is_member, demo_banner, breadcrumbs
    Formats: .json, .csv (one row per sub-domain, with its initiative counts)
    """
    coalition = coalition_or_404(slug)
    domains = domain_list_with_counts(coalition=coalition, user=request.user)
    totals = coalition_totals(coalition=coalition, user=request.user)
    context = {**coalition_context(request, coalition), "domains": domains, "totals": totals,
               "is_member": request.user.has_perm("initiatives.add_initiative", coalition)}
    context["breadcrumbs"].pop()

    def dataset() -> Dataset:
        rows = [
            {
                "domain_slug": domain.slug,
                "domain_name": domain.name,
                "subdomain_slug": subdomain.slug,
                "subdomain_name": subdomain.name,
                "initiatives": subdomain.initiative_count,
                "active_initiatives": subdomain.active_count,
                "url": request.build_absolute_uri(reverse(
                    "coalitions:subdomain_detail",
                    kwargs={"slug": coalition.slug, "domain": domain.slug,
                            "subdomain": subdomain.slug})),
            }
            for domain in domains for subdomain in domain.subdomain_list
        ]
        return Dataset(
            title=coalition.name,
            columns=["domain_slug", "domain_name", "subdomain_slug", "subdomain_name",
                     "initiatives", "active_initiatives", "url"],
            rows=rows,
            licence=coalition.licence,
            last_updated=initiative_last_updated(user=request.user, coalition=coalition),
            extra={
                "coalition": {
                    "slug": coalition.slug, "name": coalition.name,
                    "description": coalition.description,
                    "place": coalition.place.url_code if coalition.place else None,
                    "is_demo": coalition.is_demo,
                },
                "totals": totals,
            },
        )

    return respond(request, fmt, template="coalitions/coalition_detail.html", context=context,
                   dataset=dataset, filename=coalition.slug)


def _domain_or_404(coalition, slug: str) -> Domain:
    try:
        return domain_get(coalition=coalition, slug=slug)
    except Domain.DoesNotExist as error:
        raise Http404(_("This coalition has no domain at this address.")) from error


def _question_context(request: HttpRequest, coalition, domain: Domain,
                      questions: list[SmartQuestion]) -> dict:
    """
    The domain page's smart questions, in three lists, and what the user may do with them.

    Whether the user may support or decide is the same for every proposed question of one
    domain (the rules look at the coalition, the domain and the status), so it is asked once,
    of the first: the page runs the same queries however many questions there are.
    """
    domain.framework = coalition.framework
    if coalition.framework is not None:
        coalition.framework.coalition = coalition
    for question in questions:
        question.domain = domain
    proposed = [q for q in questions if q.status == SmartQuestion.Status.PROPOSED]
    user = request.user
    can_propose = user.has_perm("frameworks.propose_question", coalition)
    return {
        "agreed_questions": [q for q in questions if q.status in (
            SmartQuestion.Status.AGREED, SmartQuestion.Status.EXAMPLE)],
        "proposed_questions": proposed,
        "declined_questions": [q for q in questions
                               if q.status == SmartQuestion.Status.DECLINED],
        "can_propose": can_propose,
        "can_support": bool(proposed) and user.has_perm("frameworks.support_question",
                                                        proposed[0]),
        "can_decide": bool(proposed) and user.has_perm("frameworks.agree_question", proposed[0]),
        "form": QuestionProposeForm() if can_propose else None,
    }


def domain_detail(
    request: HttpRequest, fmt: str = "html", *, slug: str, domain: str
) -> HttpResponse:
    """
    One domain of a coalition's model: its smart questions (agreed, proposed with their
    supporters, and for members the declined ones), with the forms to propose, support, agree
    and decline them; sub-domains with counts, the initiatives serving it and the
    organisations involved in them.

    Template: coalitions/domain_detail.html
    Context: coalition, domain, agreed_questions, proposed_questions, declined_questions,
    can_propose, can_support, can_decide, form (to propose; None for non-members),
    subdomains, page, initiatives, organisations, breadcrumbs
    Formats: .json, .csv (one row per initiative serving the domain; the JSON also has the
    smart questions the caller may see, with their numbers of supporters and the addresses of
    the initiatives the caller may see that help to answer them, the sub-domains and
    organisations)
    """
    coalition = coalition_or_404(slug)
    domain_obj = _domain_or_404(coalition, domain)
    questions = smart_question_list_for_domain(domain=domain_obj, user=request.user)
    answering = initiatives_answering(question_ids=[q.pk for q in questions], user=request.user)
    for question in questions:
        question.answering = answering.get(question.pk, [])
    subdomains = list(subdomain_list_with_counts(coalition=coalition, user=request.user,
                                                 domain=domain_obj))
    initiatives = initiative_list_for_domain(coalition=coalition, user=request.user,
                                             domain=domain_obj)
    organisations = list(organisation_list_involved(initiatives=initiatives))
    page, rows = paginate(request, initiatives, fmt)
    context = {
        **coalition_context(request, coalition),
        "domain": domain_obj,
        "subdomains": subdomains,
        "page": page,
        "initiatives": rows,
        "organisations": organisations,
    }
    if fmt == "html":
        context.update(_question_context(request, coalition, domain_obj, questions))

    def dataset() -> Dataset:
        return Dataset(
            title=f"{coalition.name}: {domain_obj.name}",
            columns=INITIATIVE_COLUMNS,
            rows=initiative_rows(rows, absolute=request.build_absolute_uri),
            licence=coalition.licence,
            last_updated=initiative_last_updated(user=request.user, coalition=coalition),
            count=page.paginator.count if page else None,
            extra={
                "domain": {"slug": domain_obj.slug, "name": domain_obj.name,
                           "description": domain_obj.description},
                "smart_questions": [{"id": q.pk, "text": q.text, "status": q.status,
                                     "supporters": q.supporter_count,
                                     "answered_by": [request.build_absolute_uri(
                                         i.get_absolute_url()) for i in q.answering]}
                                    for q in questions],
                "subdomains": [{"slug": s.slug, "name": s.name,
                                "initiatives": s.initiative_count,
                                "active_initiatives": s.active_count} for s in subdomains],
                "organisations": _organisation_extra(organisations),
            },
        )

    return respond(request, fmt, template="coalitions/domain_detail.html", context=context,
                   dataset=dataset, filename=f"{coalition.slug}-{domain_obj.slug}")


def subdomain_detail(
    request: HttpRequest, fmt: str = "html", *, slug: str, domain: str, subdomain: str
) -> HttpResponse:
    """
    One sub-domain: its description, whether it is illustrative, the initiatives serving it
    and the organisations involved in them.

    Template: coalitions/subdomain_detail.html
    Context: coalition, domain, subdomain, page, initiatives, organisations, breadcrumbs
    Formats: .json, .csv (one row per initiative serving the sub-domain)
    """
    coalition = coalition_or_404(slug)
    domain_obj = _domain_or_404(coalition, domain)
    try:
        subdomain_obj = subdomain_get(domain=domain_obj, slug=subdomain)
    except SubDomain.DoesNotExist as error:
        raise Http404(_("This domain has no sub-domain at this address.")) from error
    initiatives = initiative_list_for_domain(coalition=coalition, user=request.user,
                                             subdomain=subdomain_obj)
    organisations = list(organisation_list_involved(initiatives=initiatives))
    page, rows = paginate(request, initiatives, fmt)
    context = {
        **coalition_context(request, coalition, {
            "text": domain_obj.name,
            "href": reverse("coalitions:domain_detail",
                            kwargs={"slug": coalition.slug, "domain": domain_obj.slug}),
        }),
        "domain": domain_obj,
        "subdomain": subdomain_obj,
        "page": page,
        "initiatives": rows,
        "organisations": organisations,
    }

    def dataset() -> Dataset:
        return Dataset(
            title=f"{coalition.name}: {domain_obj.name}: {subdomain_obj.name}",
            columns=INITIATIVE_COLUMNS,
            rows=initiative_rows(rows, absolute=request.build_absolute_uri),
            licence=coalition.licence,
            last_updated=initiative_last_updated(user=request.user, coalition=coalition),
            count=page.paginator.count if page else None,
            extra={
                "domain": {"slug": domain_obj.slug, "name": domain_obj.name},
                "subdomain": {"slug": subdomain_obj.slug, "name": subdomain_obj.name,
                              "description": subdomain_obj.description,
                              "is_illustrative": subdomain_obj.is_illustrative},
                "organisations": _organisation_extra(organisations),
            },
        )

    return respond(request, fmt, template="coalitions/subdomain_detail.html", context=context,
                   dataset=dataset,
                   filename=f"{coalition.slug}-{domain_obj.slug}-{subdomain_obj.slug}")


def coalition_organisation_list(
    request: HttpRequest, fmt: str = "html", *, slug: str
) -> HttpResponse:
    """
    The organisations active in a coalition: lead or partner of its initiatives, or the
    organisation of an active member; with how many initiatives each leads and partners in.

    Template: coalitions/coalition_organisation_list.html
    Context: coalition, page, organisations, breadcrumbs
    Formats: .json, .csv (one row per organisation)
    """
    coalition = coalition_or_404(slug)
    organisations = organisation_list_for_coalition(coalition=coalition, user=request.user)
    page, rows = paginate(request, organisations, fmt)
    context = {**coalition_context(request, coalition), "page": page, "organisations": rows}

    def dataset() -> Dataset:
        return Dataset(
            title=_("Organisations in %(coalition)s") % {"coalition": coalition.name},
            columns=ORGANISATION_COLUMNS,
            rows=_organisation_rows(lazy_rows(rows), request),
            licence=coalition.licence,
            last_updated=initiative_last_updated(user=request.user, coalition=coalition),
            count=page.paginator.count if page else None,
        )

    return respond(request, fmt, template="coalitions/coalition_organisation_list.html",
                   context=context, dataset=dataset,
                   filename=f"{coalition.slug}-organisations")
