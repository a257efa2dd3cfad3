"""The public list of a coalition's people (only those who consented to a public profile)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from smartplace.coalitions.selectors import membership_list_last_updated, membership_list_public
from smartplace.core.formats import Dataset, lazy_rows, paginate, respond
from smartplace.initiatives.views import coalition_context, coalition_or_404

PEOPLE_COLUMNS = ["name", "job_title", "role", "organisation", "organisation_slug", "domains"]


def people_list(request: HttpRequest, fmt: str = "html", *, slug: str) -> HttpResponse:
    """
    A coalition's active members who chose a public profile: name, job title, role,
    organisation and the domains they know about. Never anyone else, never an email address.

    Template: people/people_list.html
    Context: coalition, page, memberships, breadcrumbs
    Formats: .json, .csv (one row per person)
    """
    coalition = coalition_or_404(slug)
    memberships = membership_list_public(coalition=coalition)
    page, rows = paginate(request, memberships, fmt)
    context = {**coalition_context(request, coalition), "page": page, "memberships": rows}

    def dataset() -> Dataset:
        return Dataset(
            title=_("People in %(coalition)s") % {"coalition": coalition.name},
            columns=PEOPLE_COLUMNS,
            rows=({
                "name": membership.person.name,
                "job_title": membership.person.job_title,
                "role": membership.role,
                "organisation": membership.organisation.name if membership.organisation else None,
                "organisation_slug": membership.organisation.slug
                if membership.organisation else None,
                "domains": [domain.name for domain in membership.person.domain_list],
            } for membership in lazy_rows(rows)),
            licence=coalition.licence,
            last_updated=membership_list_last_updated(coalition=coalition),
            count=page.paginator.count if page else None,
        )

    return respond(request, fmt, template="people/people_list.html", context=context,
                   dataset=dataset, filename=f"{coalition.slug}-people")
