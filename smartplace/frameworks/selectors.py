"""Reads for frameworks: the shared ones, one framework's tree, finding one by slug."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from smartplace.coalitions.models import Coalition
from smartplace.frameworks.models import (
    Domain,
    FitnessLevel,
    Framework,
    SmartQuestion,
    SmartQuestionSupport,
    SubDomain,
)
from smartplace.people.models import Membership, Person, name_shown

# The file format that `framework_tree_data` writes and `services.framework_load` reads.
FORMAT = "smartplace-framework/1"


def version_key(version: str) -> tuple:
    """Sort key for versions: numbers compare as numbers ("10" after "9"), the rest as text."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"[._-]", version)
    )


def framework_list_shared() -> QuerySet[Framework]:
    """
    Frameworks not owned by a coalition (the built-ins and any loaded from files), by name and
    version, each annotated with `domain_count` and `subdomain_count`.
    """
    return (
        Framework.objects.filter(coalition__isnull=True)
        .annotate(domain_count=Count("domains", distinct=True),
                  subdomain_count=Count("domains__subdomains", distinct=True))
        .order_by("name", "version", "id")
    )


def smart_question_visible(*, user) -> Q:
    """
    A filter on SmartQuestion: the questions `user` may see. The one rule for every page, twin,
    API response and download (the same as the `frameworks.view_question` permission): every
    question that has not been declined; declined ones only for active members of the coalition
    that owns the framework, and for superusers. Anonymous callers and open data get the first
    part only.
    """
    public = ~Q(status=SmartQuestion.Status.DECLINED)
    if user is None or not user.is_authenticated or not user.is_active:
        return public
    if user.is_superuser:
        return Q()
    memberships = Membership.objects.filter(person__user=user, status=Membership.Status.ACTIVE)
    return public | Q(domain__framework__coalition_id__in=memberships.values("coalition_id"))


def smart_question_list_visible(*, user) -> QuerySet[SmartQuestion]:
    """The smart questions `user` may see (`smart_question_visible`), in their domain's order."""
    return SmartQuestion.objects.filter(smart_question_visible(user=user)).order_by(
        "position", "id")


def framework_with_tree(queryset: QuerySet[Framework] | None = None, *,
                        questions: QuerySet[SmartQuestion] | None = None
                        ) -> QuerySet[Framework]:
    """
    Frameworks with their levels, domains, sub-domains and questions prefetched, in order.

    `questions` limits the questions (for people and callers: `smart_question_list_visible`);
    without it, every question is there (exports of the whole framework).
    """
    queryset = Framework.objects.all() if queryset is None else queryset
    questions = (SmartQuestion.objects.order_by("position", "id") if questions is None
                 else questions.order_by("position", "id"))
    return queryset.prefetch_related(
        Prefetch("levels", queryset=FitnessLevel.objects.order_by("position")),
        Prefetch("domains", queryset=Domain.objects.order_by("position", "name").prefetch_related(
            Prefetch("subdomains", queryset=SubDomain.objects.order_by("position", "name")),
            Prefetch("questions", queryset=questions),
        )),
    )


def framework_get_shared(*, slug: str, version: str) -> Framework | None:
    """
    The shared (not coalition-owned) framework with this slug and version, tree prefetched,
    with the questions anyone may see (no declined ones: a shared framework has no members).
    """
    return framework_with_tree(
        Framework.objects.filter(coalition__isnull=True, slug=slug, version=version),
        questions=smart_question_list_visible(user=None),
    ).first()


def framework_find(*, slug: str, version: str | None = None,
                   coalition: Coalition | None = None) -> Framework:
    """
    One framework by slug, and version if given (else the highest version by `version_key`).

    Shared frameworks by default; with `coalition`, that coalition's own copies instead.
    Raises Framework.DoesNotExist with a message that lists what there is.
    """
    candidates = Framework.objects.filter(slug=slug)
    candidates = (candidates.filter(coalition=coalition) if coalition
                  else candidates.filter(coalition__isnull=True))
    found = sorted(candidates, key=lambda f: version_key(f.version))
    if version is not None:
        found = [f for f in found if f.version == version]
    if found:
        return found[-1]
    owner = f"{coalition.name} has" if coalition else "There is"
    wanted = f"{slug!r} version {version!r}" if version else repr(slug)
    pool = Framework.objects.filter(coalition=coalition) if coalition else \
        Framework.objects.filter(coalition__isnull=True)
    known = ", ".join(f"{f.slug}@{f.version}" for f in pool.order_by("slug", "version"))
    if known:
        hint = f"Known: {known}."
    elif coalition:
        hint = "It has no framework yet."
    else:
        hint = "No frameworks are loaded: run `smartplace load-frameworks` first."
    raise Framework.DoesNotExist(f"{owner} no framework {wanted}. {hint}")


def framework_tree_data(*, framework: Framework, ids: bool = False) -> dict[str, Any]:
    """
    The framework as a `smartplace-framework/1` file: a dict ready for `json.dumps`. With
    `ids`, each smart question also has its database `id` (the API's, which initiatives name
    in `smart_questions`; a file to load carries none).

    Reads the prefetched tree when there is one (see `framework_with_tree`), so a view can
    serve it without further queries. `services.framework_export` is the way to export.
    """
    return {
        "format": FORMAT,
        "slug": framework.slug,
        "version": framework.version,
        "name": framework.name,
        "description": framework.description,
        **_welsh(framework, "name", "description"),
        "source": {"title": framework.source, "url": framework.source_url},
        "attribution": framework.attribution,
        "licence": {"name": framework.licence, "url": framework.licence_url},
        "levels": [
            {"slug": level.slug, "name": level.name, "description": level.description,
             **_welsh(level, "name", "description")}
            for level in framework.levels.all()
        ],
        "domains": [
            {
                "slug": domain.slug,
                "name": domain.name,
                "description": domain.description,
                **_welsh(domain, "name", "description"),
                "group": domain.group,
                "questions": [
                    {**({"id": question.pk} if ids else {}),
                     "text": question.text, "status": question.status,
                     **_welsh(question, "text")}
                    for question in domain.questions.all()
                ],
                "subdomains": [
                    {
                        "slug": sub.slug,
                        "name": sub.name,
                        "description": sub.description,
                        **_welsh(sub, "name", "description"),
                        "illustrative": sub.is_illustrative,
                    }
                    for sub in domain.subdomains.all()
                ],
            }
            for domain in framework.domains.all()
        ],
    }


def _welsh(obj, *fields: str) -> dict[str, Any]:
    """{"translations": {"cy": {field: Welsh text}}} when any of `fields` is translated."""
    texts = {name: getattr(obj, f"{name}_cy") for name in fields}
    return {"translations": {"cy": texts}} if any(texts.values()) else {}


def framework_domain_groups(*, framework: Framework) -> list[dict[str, Any]]:
    """
    The framework's domains in order, gathered into groups: [{"name", "domains"}].

    Groups come in the order of their first domain; domains without a group form a group
    named "" (a framework with no groups at all gives one such group). Uses the prefetched
    domains when there are any.
    """
    groups: dict[str, list[Domain]] = {}
    for domain in framework.domains.all():
        groups.setdefault(domain.group, []).append(domain)
    return [{"name": name, "domains": domains} for name, domains in groups.items()]


def framework_subdomain_rows(*, framework: Framework) -> list[dict[str, Any]]:
    """
    One row per sub-domain, with its domain's columns; a domain with no sub-domains gives one
    row with the sub-domain columns empty. Uses the prefetched tree.
    """
    rows = []
    for domain in framework.domains.all():
        domain_columns = {
            "domain_position": domain.position,
            "domain_slug": domain.slug,
            "domain_name": domain.name,
            "domain_group": domain.group,
            "domain_description": domain.description,
            "smart_questions": [q.text for q in domain.questions.all()],
        }
        subdomains = list(domain.subdomains.all())
        if not subdomains:
            rows.append({**domain_columns, "subdomain_position": None, "subdomain_slug": "",
                         "subdomain_name": "", "subdomain_description": "",
                         "subdomain_illustrative": None})
        for sub in subdomains:
            rows.append({**domain_columns, "subdomain_position": sub.position,
                         "subdomain_slug": sub.slug, "subdomain_name": sub.name,
                         "subdomain_description": sub.description,
                         "subdomain_illustrative": sub.is_illustrative})
    return rows


def smart_question_list_for_domain(*, domain: Domain, user) -> list[SmartQuestion]:
    """
    The smart questions of `domain` that `user` may see, in order, for the domain page.

    Each has `supporter_count` (everyone who supports it), `supporter_list` (the supports of
    people whose names `user` may see, oldest first, each with `supporter_name`),
    `proposer_name` (None when `user` may not see it), `supported_by_me` and `is_mine` (`user`
    proposed it). Names come through the people gate (`people.models.name_shown`). Two
    queries whatever the number of questions and supporters.
    """
    signed_in = user is not None and user.is_authenticated
    if signed_in:
        mine = SmartQuestionSupport.objects.filter(question=OuterRef("pk"), person__user=user)
        own = Person.objects.filter(pk=OuterRef("proposed_by_id"), user=user)
    else:
        mine = SmartQuestionSupport.objects.none()
        own = Person.objects.none()
    named = (SmartQuestionSupport.objects.annotate(supporter_name=name_shown("person", user=user))
             .filter(supporter_name__isnull=False).order_by("created_at", "id"))
    return list(
        smart_question_list_visible(user=user).filter(domain=domain)
        .annotate(
            supporter_count=Count("supports", distinct=True),
            supported_by_me=Exists(mine),
            is_mine=Exists(own),
            proposer_name=name_shown("proposed_by", user=user),
        )
        .prefetch_related(Prefetch("supports", queryset=named, to_attr="supporter_list"))
    )
