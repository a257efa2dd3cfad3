"""
Reads for a coalition's public pages: its domain model with counts, organisations and people.

Counts of initiatives follow the privacy rule of `Initiative.objects.visible_to(user)`:
anonymous users and non-members count public initiatives only.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from smartplace.coalitions.models import Coalition
from smartplace.frameworks.models import Domain, SubDomain
from smartplace.frameworks.selectors import smart_question_list_visible
from smartplace.initiatives.models import Initiative
from smartplace.initiatives.selectors import (
    initiative_ids_visible,
    initiative_list_visible,
    organisation_list_involved,
)
from smartplace.organisations.models import Organisation
from smartplace.people.models import Membership, Person

ACTIVE = Initiative.Status.ACTIVE


def coalition_list_public() -> QuerySet[Coalition]:
    """All coalitions, with their places, for the public list."""
    return Coalition.objects.select_related("place").order_by("name")


def coalition_list_with_counts(*, user) -> QuerySet[Coalition]:
    """All coalitions with their places, annotated `initiative_count` (those `user` may see)."""
    ids = initiative_ids_visible(user=user)
    return coalition_list_public().annotate(
        initiative_count=Count("initiatives", filter=Q(initiatives__in=ids), distinct=True),
    )


def coalition_list_last_updated(*, user) -> datetime | None:
    """The latest change to any coalition or to an initiative `user` may see."""
    coalitions = Coalition.objects.aggregate(latest=Max("updated_at"))["latest"]
    initiatives = initiative_list_visible(user=user).aggregate(latest=Max("updated_at"))["latest"]
    values = [value for value in (coalitions, initiatives) if value is not None]
    return max(values) if values else None


def coalition_get(*, slug: str) -> Coalition:
    """The coalition with this slug, with its place and framework. Raises DoesNotExist."""
    return Coalition.objects.select_related("place", "framework").get(slug=slug)


def _initiatives(coalition: Coalition, user) -> QuerySet[Initiative]:
    return initiative_list_visible(user=user).filter(coalition=coalition)


def subdomain_list_with_counts(
    *, coalition: Coalition, user, domain: Domain | None = None
) -> QuerySet[SubDomain]:
    """
    The sub-domains of the coalition's framework (or of `domain`), in order, annotated with
    `initiative_count` and `active_count` (status active) of the initiatives `user` may see:
    one aggregate query.
    """
    ids = _initiatives(coalition, user).values("pk")
    queryset = SubDomain.objects.filter(domain__framework_id=coalition.framework_id)
    if domain is not None:
        queryset = queryset.filter(domain=domain)
    return queryset.select_related("domain").annotate(
        initiative_count=Count("initiatives", filter=Q(initiatives__in=ids), distinct=True),
        active_count=Count("initiatives", filter=Q(initiatives__in=ids,
                                                   initiatives__status=ACTIVE), distinct=True),
    ).order_by("domain__position", "domain__name", "position", "name")


def domain_list_with_counts(*, coalition: Coalition, user) -> list[Domain]:
    """
    The domains of the coalition's framework, in order, for the domain model grid.

    Each domain has `initiative_count` and `active_count` (initiatives serving any of its
    sub-domains, each counted once), `question_list` (its smart questions that `user` may see)
    and `subdomain_list` (annotated as in `subdomain_list_with_counts`). Three queries whatever
    the size of the model; none when the coalition has no framework.
    """
    if coalition.framework_id is None:
        return []
    ids = _initiatives(coalition, user).values("pk")
    path = "subdomains__initiatives"
    domains = Domain.objects.filter(framework_id=coalition.framework_id).annotate(
        initiative_count=Count(path, filter=Q(**{f"{path}__in": ids}), distinct=True),
        active_count=Count(path, filter=Q(**{f"{path}__in": ids, f"{path}__status": ACTIVE}),
                           distinct=True),
    ).prefetch_related(
        Prefetch("questions", queryset=smart_question_list_visible(user=user),
                 to_attr="question_list"),
        Prefetch("subdomains", queryset=subdomain_list_with_counts(coalition=coalition,
                                                                   user=user),
                 to_attr="subdomain_list"),
    ).order_by("position", "name")
    return list(domains)


def domain_get(*, coalition: Coalition, slug: str) -> Domain:
    """
    A domain of the coalition's framework. Raises DoesNotExist. (Its smart questions, as a
    person may see them: `frameworks.selectors.smart_question_list_for_domain`.)
    """
    if coalition.framework_id is None:
        raise Domain.DoesNotExist
    return Domain.objects.get(framework_id=coalition.framework_id, slug=slug)


def subdomain_get(*, domain: Domain, slug: str) -> SubDomain:
    """A sub-domain of `domain`. Raises DoesNotExist."""
    return SubDomain.objects.select_related("domain").get(domain=domain, slug=slug)


def organisation_list_for_coalition(*, coalition: Coalition, user) -> QuerySet[Organisation]:
    """
    The organisations active in `coalition`: lead or partner of its initiatives that `user`
    may see, or the organisation of an active member. By name, annotated `led_count` and
    `partner_count` (of those initiatives).
    """
    members = Membership.objects.filter(coalition=coalition, status=Membership.Status.ACTIVE,
                                        organisation__isnull=False)
    return organisation_list_involved(
        initiatives=_initiatives(coalition, user),
        extra=Q(pk__in=members.values("organisation")),
    )


def coalition_totals(*, coalition: Coalition, user) -> dict[str, int]:
    """How many initiatives `user` may see, organisations active and sectors among them."""
    organisations = organisation_list_for_coalition(coalition=coalition, user=user)
    sectors = organisations.aggregate(organisations=Count("pk"),
                                      sectors=Count("sector", distinct=True))
    return {
        "initiatives": _initiatives(coalition, user).count(),
        "organisations": sectors["organisations"],
        "sectors": sectors["sectors"],
    }


def membership_list_public(*, coalition: Coalition) -> QuerySet[Membership]:
    """
    Active members of `coalition` who consented to a public profile, by name, with their
    organisation and `person.domain_list` (the domains of this coalition's framework they
    know about). Nobody without consent (the gate: `Person.objects.public()`).
    """
    domains = Domain.objects.filter(framework_id=coalition.framework_id).order_by(
        "position", "name")
    return Membership.objects.filter(
        coalition=coalition, status=Membership.Status.ACTIVE,
        person__in=Person.objects.public(),
    ).select_related("person", "organisation").prefetch_related(
        Prefetch("person__domains", queryset=domains, to_attr="domain_list"),
    ).order_by("person__name", "pk")


def membership_list_last_updated(*, coalition: Coalition) -> datetime | None:
    """The latest change to a public member's membership or profile, or to the coalition."""
    latest = membership_list_public(coalition=coalition).aggregate(
        membership=Max("updated_at"), person=Max("person__updated_at"))
    values = [v for v in (latest["membership"], latest["person"], coalition.updated_at) if v]
    return max(values) if values else None
