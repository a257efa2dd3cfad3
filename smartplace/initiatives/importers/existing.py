"""
Which initiative each checked row is: two rows of one file that are the same initiative
(`check_duplicates`), the coalition's initiatives as they stand (`existing_state`), and the one
each row updates (`match_existing`: by `external_id`, else by title, lead organisation and start
date).
"""

from django.utils.translation import gettext as _

from smartplace.coalitions.models import Coalition
from smartplace.initiatives.models import Evidence, Initiative, InitiativeLink

from .columns import EVIDENCE_COLUMNS
from .matching import OrganisationMatch
from .report import RowError, shown
from .rows import Planned
from .values import strict_key

INITIATIVE_FIELDS = ("title", "description", "status", "start_date", "end_date",
                     "lead_organisation_id", "visibility", "external_id", "source")


def existing_state(coalition: Coalition) -> dict[int, dict]:
    """Every initiative of the coalition with its partners, sub-domains, links and evidence."""
    state: dict[int, dict] = {}
    for row in Initiative.objects.filter(coalition=coalition).values(
            "id", "slug", *INITIATIVE_FIELDS):
        row.update(partners=set(), subdomains=set(), links=[], evidence=None)
        state[row["id"]] = row
    through = Initiative.partners.through.objects.filter(initiative__coalition=coalition)
    for initiative_id, organisation_id in through.values_list("initiative_id", "organisation_id"):
        state[initiative_id]["partners"].add(organisation_id)
    through = Initiative.subdomains.through.objects.filter(initiative__coalition=coalition)
    for initiative_id, subdomain_id in through.values_list("initiative_id", "subdomain_id"):
        state[initiative_id]["subdomains"].add(subdomain_id)
    for initiative_id, url in InitiativeLink.objects.filter(
            initiative__coalition=coalition).order_by("id").values_list("initiative_id", "url"):
        state[initiative_id]["links"].append(url)
    for evidence in Evidence.objects.filter(initiative__coalition=coalition).values(
            "id", "initiative_id", *EVIDENCE_COLUMNS):
        state[evidence["initiative_id"]]["evidence"] = evidence
    return state


def _natural_key(title: str, lead, start) -> tuple:
    return (strict_key(title), lead, start)


def _lead_key(match: OrganisationMatch | None):
    if match is None:
        return None
    return match.organisation_id if match.organisation_id else ("place", match.place_id)


def check_duplicates(plans: list[Planned], errors: list[RowError],
                      origin: dict[str, str]) -> None:
    """Add an error for each row that repeats an earlier row or an earlier row's identifier."""
    seen: dict[tuple, int] = {}
    external: dict[str, int] = {}
    for plan in plans:
        key = (*_natural_key(plan.fields["title"], _lead_key(plan.lead),
                             plan.fields.get("start_date")), plan.fields.get("external_id", ""))
        if key in seen:
            errors.append(RowError(plan.line, origin.get("title", "title"), _(
                "the same initiative as line %(line)d (same title, lead organisation, start "
                "date and identifier)") % {"line": seen[key]}))
            continue
        seen[key] = plan.line
        external_id = plan.fields.get("external_id", "")
        if external_id:
            if external_id in external:
                errors.append(RowError(plan.line, origin.get("external_id", "external_id"), _(
                    'the identifier "%(value)s" is also on line %(line)d') % {
                        "value": shown(external_id), "line": external[external_id]}))
            else:
                external[external_id] = plan.line


def match_existing(plans: list[Planned], state: dict[int, dict]) -> None:
    """
    Set each plan's `existing_id` to the initiative it updates, if any: the one with its
    `external_id`, else one with its title, lead organisation and start date (and no identifier
    of its own when the row has one). Each initiative is claimed by one row at most.
    """
    by_external: dict[str, int] = {}
    by_natural: dict[tuple, list[int]] = {}
    for initiative_id in sorted(state):
        row = state[initiative_id]
        if row["external_id"]:
            by_external.setdefault(row["external_id"], initiative_id)
        key = _natural_key(row["title"], row["lead_organisation_id"], row["start_date"])
        by_natural.setdefault(key, []).append(initiative_id)
    claimed: set[int] = set()
    for plan in plans:
        external_id = plan.fields.get("external_id", "")
        found = by_external.get(external_id) if external_id else None
        if found is not None and found not in claimed:
            plan.existing_id = found
            claimed.add(found)
            continue
        key = _natural_key(plan.fields["title"], _lead_key(plan.lead),
                           plan.fields.get("start_date"))
        for candidate in by_natural.get(key, []):
            if candidate in claimed:
                continue
            if external_id and state[candidate]["external_id"]:
                continue
            plan.existing_id = candidate
            claimed.add(candidate)
            break
