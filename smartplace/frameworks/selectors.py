"""Reads for frameworks: the shared ones, one framework's tree, finding one by slug."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from smartplace.coalitions.models import Coalition
from smartplace.frameworks.models import Domain, FitnessLevel, Framework, SmartQuestion, SubDomain

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


def framework_with_tree(queryset: QuerySet[Framework] | None = None) -> QuerySet[Framework]:
    """Frameworks with their levels, domains, sub-domains and questions prefetched, in order."""
    queryset = Framework.objects.all() if queryset is None else queryset
    return queryset.prefetch_related(
        Prefetch("levels", queryset=FitnessLevel.objects.order_by("position")),
        Prefetch("domains", queryset=Domain.objects.order_by("position", "name").prefetch_related(
            Prefetch("subdomains", queryset=SubDomain.objects.order_by("position", "name")),
            Prefetch("questions", queryset=SmartQuestion.objects.order_by("position", "id")),
        )),
    )


def framework_get_shared(*, slug: str, version: str) -> Framework | None:
    """The shared (not coalition-owned) framework with this slug and version, tree prefetched."""
    return framework_with_tree(
        Framework.objects.filter(coalition__isnull=True, slug=slug, version=version)
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


def framework_tree_data(*, framework: Framework) -> dict[str, Any]:
    """
    The framework as a `smartplace-framework/1` file: a dict ready for `json.dumps`.

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
                    {"text": question.text, "status": question.status,
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
