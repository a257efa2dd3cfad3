"""
Reads of initiatives for the public pages and their `.json`/`.csv` twins.

Privacy: every function here starts from `Initiative.objects.visible_to(user)`, so anonymous
users and non-members get public initiatives only, and an active member of a coalition also
gets that coalition's private ones. Counts that go through other models (sub-domains,
organisations) use `initiative_ids_visible()` for the same rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from smartplace.coalitions.models import Coalition
from smartplace.core.models import Visibility
from smartplace.frameworks.models import Domain, SubDomain
from smartplace.initiatives.models import Initiative
from smartplace.initiatives.search import initiative_search
from smartplace.organisations.models import Organisation
from smartplace.people.models import Person

PartnerLink = Initiative.partners.through
SubDomainLink = Initiative.subdomains.through

#: Columns of every initiative table (list pages and their twins), in order.
INITIATIVE_COLUMNS = [
    "id", "slug", "url", "title", "description", "status", "start_date", "end_date",
    "lead_organisation", "lead_organisation_sector", "partners", "subdomains", "visibility",
    "updated_at", "capital_cost", "annual_cost", "annual_savings", "emission_savings_tco2e",
]
#: Evidence figures in every initiative row (None when no evidence is recorded).
EVIDENCE_FIELDS = ("capital_cost", "annual_cost", "annual_savings", "emission_savings_tco2e",
                   "lifetime_years", "funding_source")
#: Extra columns of one initiative's own page.
INITIATIVE_DETAIL_COLUMNS = [
    *INITIATIVE_COLUMNS, "coalition", "lifetime_years", "funding_source", "people", "links",
    "smart_questions",
]


def initiative_list_visible(*, user) -> QuerySet[Initiative]:
    """
    Every initiative `user` may see, as a plain queryset (no DISTINCT), ready to filter,
    annotate and order.
    """
    visible = Initiative.objects.visible_to(user)
    if visible.query.distinct:
        # A member's rule joins memberships; keep that join out of the outer query.
        return Initiative.objects.filter(pk__in=visible.values("pk"))
    return visible


def initiative_ids_visible(*, user) -> QuerySet:
    """The ids of every initiative `user` may see, as a subquery for `__in` filters."""
    return Initiative.objects.visible_to(user).values("pk")


def initiative_list_for_display(queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """`queryset` with everything a table row shows, fetched in a fixed number of queries."""
    return queryset.select_related(
        "coalition", "lead_organisation", "evidence",
    ).prefetch_related(
        Prefetch("partners", queryset=Organisation.objects.order_by("name")),
        Prefetch("subdomains", queryset=SubDomain.objects.select_related("domain")),
    )


@dataclass(frozen=True)
class InitiativeFilters:
    """The filters of an initiative list, already checked; None or "" means "any"."""

    q: str = ""
    domain: Domain | None = None
    subdomain: SubDomain | None = None
    status: str = ""
    sector: str = ""
    organisation: Organisation | None = None

    @property
    def active(self) -> bool:
        return any([self.q, self.domain, self.subdomain, self.status, self.sector,
                    self.organisation])


def initiative_list_filtered(
    *, coalition: Coalition, user, filters: InitiativeFilters = InitiativeFilters()
) -> QuerySet[Initiative]:
    """
    The initiatives of `coalition` that `user` may see and that pass `filters`.

    `sector` and `organisation` match the lead organisation or any partner. With a search
    query the most relevant come first (annotated `search_rank`); otherwise by title.
    Rows come with their organisations, sub-domains and evidence (`initiative_list_for_display`).
    """
    queryset = initiative_list_visible(user=user).filter(coalition=coalition)
    if filters.domain is not None:
        queryset = queryset.filter(pk__in=SubDomainLink.objects.filter(
            subdomain__domain=filters.domain).values("initiative_id"))
    if filters.subdomain is not None:
        queryset = queryset.filter(pk__in=SubDomainLink.objects.filter(
            subdomain=filters.subdomain).values("initiative_id"))
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.sector:
        queryset = queryset.filter(
            Q(lead_organisation__sector=filters.sector)
            | Q(pk__in=PartnerLink.objects.filter(
                organisation__sector=filters.sector).values("initiative_id"))
        )
    if filters.organisation is not None:
        queryset = queryset.filter(
            Q(lead_organisation=filters.organisation)
            | Q(pk__in=PartnerLink.objects.filter(
                organisation=filters.organisation).values("initiative_id"))
        )
    queryset = queryset.order_by("title", "id")
    if filters.q:
        queryset = initiative_search(queryset=queryset, query=filters.q)
    return initiative_list_for_display(queryset)


def initiative_list_for_domain(
    *, coalition: Coalition, user, domain: Domain | None = None,
    subdomain: SubDomain | None = None,
) -> QuerySet[Initiative]:
    """The initiatives `user` may see that serve `domain` (or `subdomain`), by title."""
    return initiative_list_filtered(
        coalition=coalition, user=user,
        filters=InitiativeFilters(domain=domain, subdomain=subdomain),
    )


def initiative_get_visible(*, coalition: Coalition, slug: str, user) -> Initiative:
    """
    One initiative of `coalition` that `user` may see, with everything its page shows.

    Raises Initiative.DoesNotExist when there is none (or `user` may not see it).
    People are only those with a public profile.
    """
    return initiative_list_for_display(
        initiative_list_visible(user=user).filter(coalition=coalition, slug=slug)
    ).prefetch_related(
        Prefetch("people", queryset=Person.objects.public().order_by("name"),
                 to_attr="public_people"),
        "links",
    ).get()


def initiative_list_for_organisation(
    *, organisation: Organisation, user
) -> QuerySet[Initiative]:
    """
    The initiatives `user` may see that `organisation` leads or is a partner in, grouped by
    coalition (ordered by coalition name, then title).
    """
    queryset = initiative_list_visible(user=user).filter(
        Q(lead_organisation=organisation)
        | Q(pk__in=PartnerLink.objects.filter(organisation=organisation).values("initiative_id"))
    ).order_by("coalition__name", "coalition_id", "title", "id")
    return initiative_list_for_display(queryset)


def initiative_last_updated(*, user, coalition: Coalition | None = None) -> datetime | None:
    """
    When the data about initiatives last changed, as `user` sees it: the latest `updated_at`
    among the initiatives they may see (of `coalition`), its evidence, and the coalition.
    """
    queryset = initiative_list_visible(user=user)
    if coalition is not None:
        queryset = queryset.filter(coalition=coalition)
    latest = queryset.aggregate(
        initiative=Max("updated_at"), evidence=Max("evidence__updated_at"),
    )
    candidates = [latest["initiative"], latest["evidence"]]
    if coalition is not None:
        candidates.append(coalition.updated_at)
    candidates = [value for value in candidates if value is not None]
    return max(candidates) if candidates else None


def _count(subquery: QuerySet, group_by: str) -> Coalesce:
    return Coalesce(
        Subquery(subquery.order_by().values(group_by).annotate(n=Count("pk")).values("n")),
        0, output_field=IntegerField(),
    )


def organisation_involvement(
    queryset: QuerySet[Organisation], *, initiatives: QuerySet
) -> QuerySet[Organisation]:
    """
    `queryset` annotated with `led_count` and `partner_count`: how many of `initiatives`
    (a queryset of initiatives, or of their ids) each organisation leads or is a partner in.
    """
    ids = initiatives.values("pk") if initiatives.model is Initiative else initiatives
    return queryset.annotate(
        led_count=_count(Initiative.objects.filter(
            pk__in=ids, lead_organisation=OuterRef("pk")), "lead_organisation"),
        partner_count=_count(PartnerLink.objects.filter(
            initiative__in=ids, organisation=OuterRef("pk")), "organisation"),
    )


def organisation_list_involved(
    *, initiatives: QuerySet[Initiative], extra: Q | None = None
) -> QuerySet[Organisation]:
    """
    The organisations that lead or are partners in any of `initiatives` (or match `extra`),
    by name, annotated with `led_count` and `partner_count` (see `organisation_involvement`).
    """
    ids = initiatives.order_by().values("pk")
    involved = Q(pk__in=Initiative.objects.filter(pk__in=ids).values("lead_organisation")) | Q(
        pk__in=PartnerLink.objects.filter(initiative__in=ids).values("organisation")
    )
    if extra is not None:
        involved |= extra
    queryset = Organisation.objects.filter(involved).select_related("place").order_by("name")
    return organisation_involvement(queryset, initiatives=ids)


def initiative_row(initiative: Initiative, *, absolute: Callable[[str], str]) -> dict[str, Any]:
    """One initiative as plain values for a table or a twin (`absolute` makes a full URL)."""
    lead = initiative.lead_organisation
    try:
        evidence = initiative.evidence
    except ObjectDoesNotExist:
        evidence = None
    row = {
        "id": initiative.pk,
        "slug": initiative.slug,
        "url": absolute(initiative.get_absolute_url()),
        "title": initiative.title,
        "description": initiative.description,
        "status": initiative.status,
        "start_date": initiative.start_date,
        "end_date": initiative.end_date,
        "lead_organisation": lead.name if lead else None,
        "lead_organisation_sector": lead.sector if lead else None,
        "partners": [partner.name for partner in initiative.partners.all()],
        "subdomains": [f"{s.domain.slug}/{s.slug}" for s in initiative.subdomains.all()],
        "visibility": initiative.visibility,
        "updated_at": initiative.updated_at,
        "coalition": initiative.coalition.slug,
    }
    for name in EVIDENCE_FIELDS:
        row[name] = getattr(evidence, name) if evidence else None
    return row


ROWS_CHUNK = 2000
_ROW_FIELDS = (
    "pk", "slug", "title", "description", "status", "start_date", "end_date",
    "lead_organisation__name", "lead_organisation__sector", "visibility", "updated_at",
    "coalition__slug", "evidence__pk", *(f"evidence__{name}" for name in EVIDENCE_FIELDS),
)
_URL_PLACEHOLDER = "initiative-slug-placeholder"


def initiative_rows(
    initiatives: Iterable[Initiative], *, absolute: Callable[[str], str]
) -> Iterable[dict[str, Any]]:
    """
    Rows for a twin, lazily, in the order given: the same rows as `initiative_row` gives for
    each initiative. An unevaluated queryset is read as plain values in chunks of
    `ROWS_CHUNK`, with one query each for the chunk's partners and sub-domains, so a long
    export never holds every row in memory and builds no model instances.
    """
    if not (isinstance(initiatives, QuerySet) and initiatives._result_cache is None):
        for initiative in initiatives:
            yield initiative_row(initiative, absolute=absolute)
        return
    values = initiatives.prefetch_related(None).values_list(*_ROW_FIELDS)
    urls: dict[str, str] = {}
    chunk: list[tuple] = []
    for values_row in values.iterator(chunk_size=ROWS_CHUNK):
        chunk.append(values_row)
        if len(chunk) == ROWS_CHUNK:
            yield from _chunk_rows(chunk, urls=urls, absolute=absolute)
            chunk = []
    if chunk:
        yield from _chunk_rows(chunk, urls=urls, absolute=absolute)


def _initiative_url(coalition: str, slug: str, urls: dict[str, str]) -> str:
    """`Initiative.get_absolute_url()` without a `reverse()` a row (slugs need no quoting)."""
    if coalition not in urls:
        urls[coalition] = reverse("coalitions:initiative_detail", kwargs={
            "slug": coalition, "initiative": _URL_PLACEHOLDER})
    return urls[coalition].replace(_URL_PLACEHOLDER, slug)


def _chunk_rows(chunk: list[tuple], *, urls: dict[str, str],
                absolute: Callable[[str], str]) -> Iterable[dict[str, Any]]:
    ids = [values_row[0] for values_row in chunk]
    partners: dict[int, list[str]] = defaultdict(list)
    for initiative_id, name in PartnerLink.objects.filter(initiative_id__in=ids).order_by(
            "organisation__name").values_list("initiative_id", "organisation__name"):
        partners[initiative_id].append(name)
    subdomains: dict[int, list[str]] = defaultdict(list)
    ordering = [f"subdomain__{key}" for key in SubDomain._meta.ordering]
    for initiative_id, domain, subdomain in SubDomainLink.objects.filter(
            initiative_id__in=ids).order_by(*ordering).values_list(
            "initiative_id", "subdomain__domain__slug", "subdomain__slug"):
        subdomains[initiative_id].append(f"{domain}/{subdomain}")
    for (pk, slug, title, description, status, start_date, end_date, lead, sector, visibility,
         updated_at, coalition, evidence_pk, *evidence) in chunk:
        row = {
            "id": pk, "slug": slug, "url": absolute(_initiative_url(coalition, slug, urls)),
            "title": title, "description": description, "status": status,
            "start_date": start_date, "end_date": end_date, "lead_organisation": lead,
            "lead_organisation_sector": sector, "partners": partners.get(pk, []),
            "subdomains": subdomains.get(pk, []), "visibility": visibility,
            "updated_at": updated_at, "coalition": coalition,
        }
        row.update(zip(EVIDENCE_FIELDS, evidence if evidence_pk is not None
                       else [None] * len(EVIDENCE_FIELDS), strict=True))
        yield row


def is_private(initiative: Initiative) -> bool:
    """The initiative is private (shown only to members of its coalition, with a tag)."""
    return initiative.visibility == Visibility.PRIVATE
