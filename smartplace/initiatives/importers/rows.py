"""
Checking the rows of an initiative import: each mapped row's values become a `Planned`
initiative (title, dates, status, organisations, sub-domains, links, evidence), with a `RowError`
for every bad value. Nothing here reads existing initiatives or writes anything.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from smartplace.core.models import Visibility
from smartplace.initiatives.models import Evidence, Initiative, InitiativeLink

from .columns import EVIDENCE_COLUMNS
from .matching import OrganisationIndex, OrganisationMatch, SubDomainIndex
from .profiles import Binding, MappedRow, Profile
from .reading import Record
from .report import RowError, shown
from .values import (
    ValueProblem,
    choice,
    clean_text,
    one_line,
    parse_date,
    parse_money,
    parse_number,
    split_list,
)

TITLE_MAX = Initiative._meta.get_field("title").max_length
EXTERNAL_ID_MAX = Initiative._meta.get_field("external_id").max_length
MEASUREMENT_MAX = Evidence._meta.get_field("measurement").max_length
LINK_MAX = InitiativeLink._meta.get_field("url").max_length

# number column → (places, max_digits, negative allowed, money)
NUMBERS = {
    "capital_cost": (2, 14, False, True),
    "annual_cost": (2, 14, False, True),
    "annual_savings": (2, 14, True, True),
    "lifetime_years": (2, 6, False, False),
    "emission_savings_tco2e": (3, 14, True, False),
}
_url = URLValidator(schemes=["http", "https"])
STATUS_CHOICES = Initiative.Status.choices
VISIBILITY_CHOICES = Visibility.choices


@dataclass
class Planned:
    """A checked row: what its initiative should become."""

    line: int
    fields: dict = field(default_factory=dict)
    lead: OrganisationMatch | None = None
    partners: list[OrganisationMatch] | None = None
    subdomains: list[int] | None = None
    links: list[str] | None = None
    evidence: dict | None = None
    existing_id: int | None = None


class _Row:
    """Checks one mapped row, collecting an error per bad value."""

    def __init__(self, mapped: MappedRow, present: set[str], orgs: OrganisationIndex,
                 subdomains: SubDomainIndex):
        self.mapped = mapped
        self.present = set(present)
        self.orgs = orgs
        self.subdomain_index = subdomains
        self.errors: list[RowError] = []
        self.extra_notes: list[str] = []

    def error(self, column: str, message: str, value: str = "") -> None:
        self.errors.append(RowError(self.mapped.line, self.mapped.origin.get(column, column),
                                    message, value))

    def raw(self, column: str) -> str:
        return self.mapped.values.get(column, "")

    def check(self) -> Planned:
        plan = Planned(line=self.mapped.line)
        f = plan.fields
        title = one_line(self.raw("title"))
        if not title:
            self.error("title", _("a title is required"))
        elif len(title) > TITLE_MAX:
            if self.mapped.overflow.get("title") == "description":
                full = clean_text(self.raw("title"))
                title = title[: TITLE_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,.;:-") + "…"
                description = clean_text(self.raw("description"))
                self.mapped.values["description"] = (
                    f"{full}\n\n{description}" if description else full)
                self.present.add("description")
            else:
                self.error("title", _("the title is %(length)d characters long; the most is "
                                      "%(max)d") % {"length": len(title), "max": TITLE_MAX})
        f["title"] = title
        if "description" in self.present:
            f["description"] = clean_text(self.raw("description"))
        if "status" in self.present:
            f["status"] = self._choice("status", STATUS_CHOICES, Initiative.Status.ACTIVE)
        if "visibility" in self.present:
            f["visibility"] = self._choice("visibility", VISIBILITY_CHOICES, Visibility.PUBLIC)
        for column in ("start_date", "end_date"):
            if column in self.present:
                try:
                    f[column] = parse_date(self.raw(column), end=column == "end_date")
                except ValueProblem as problem:
                    self.error(column, str(problem), self.raw(column))
                    f[column] = None
        start, end = f.get("start_date"), f.get("end_date")
        if start and end and end < start:
            self.error("end_date", _("the end date %(end)s is before the start date %(start)s")
                       % {"end": end.isoformat(), "start": start.isoformat()},
                       self.raw("end_date"))
        if "external_id" in self.present:
            f["external_id"] = one_line(self.raw("external_id"))
            if len(f["external_id"]) > EXTERNAL_ID_MAX:
                self.error("external_id", _("the identifier is longer than %(max)d characters")
                           % {"max": EXTERNAL_ID_MAX}, self.raw("external_id"))
        if "lead_organisation" in self.present and one_line(self.raw("lead_organisation")):
            try:
                plan.lead = self.orgs.resolve(self.raw("lead_organisation"))
            except ValueProblem as problem:
                self.error("lead_organisation", str(problem), self.raw("lead_organisation"))
        if "partners" in self.present:
            plan.partners = self._list("partners", self.orgs.resolve)
        if "subdomains" in self.present:
            plan.subdomains = self._list("subdomains", self.subdomain_index.resolve)
        if "links" in self.present:
            plan.links = self._list("links", self._link)
        plan.evidence = self._evidence()
        return plan

    def _choice(self, column, choices, default):
        if not one_line(self.raw(column)):
            return default
        try:
            return choice(self.raw(column), choices, name=column)
        except ValueProblem as problem:
            self.error(column, str(problem), self.raw(column))
            return default

    def _list(self, column, resolve):
        found = []
        for item in split_list(self.raw(column)):
            try:
                value = resolve(item)
            except ValueProblem as problem:
                message = str(problem)
                if column in self.mapped.mapped_from:
                    message += _(' (the profile\'s value for "%(value)s")') % {
                        "value": shown(self.mapped.mapped_from[column])}
                self.error(column, message, item)
                continue
            if value not in found:
                found.append(value)
        return found

    def _link(self, item: str) -> str:
        url = item
        if url.casefold().startswith("www."):
            url = "https://" + url
        try:
            _url(url)
        except ValidationError as exc:
            raise ValueProblem(_('"%(value)s" is not a web address (start it with https://)')
                               % {"value": shown(item)}) from exc
        if len(url) > LINK_MAX:
            raise ValueProblem(_("the web address is longer than %(max)d characters")
                               % {"max": LINK_MAX})
        return url

    def _evidence(self) -> dict | None:
        present = [c for c in EVIDENCE_COLUMNS if c in self.present]
        if not present and not self.mapped.unparsed_to_notes:
            return None
        evidence: dict = {}
        for column in present:
            raw = self.raw(column)
            if column in NUMBERS:
                places, max_digits, negative, money = NUMBERS[column]
                try:
                    if money:
                        evidence[column] = parse_money(raw, negative=negative)
                    else:
                        evidence[column] = parse_number(raw, places=places,
                                                        max_digits=max_digits, negative=negative)
                except ValueProblem as problem:
                    evidence[column] = None
                    if column in self.mapped.unparsed_to_notes:
                        origin = self.mapped.origin.get(column, column)
                        self.extra_notes.append(
                            _("%(column)s as reported (not a number): %(value)s") % {
                                "column": origin, "value": clean_text(raw)})
                    else:
                        self.error(column, str(problem), raw)
            elif column == "measurement":
                evidence[column] = one_line(raw)
                if len(evidence[column]) > MEASUREMENT_MAX:
                    self.error(column, _("the text is longer than %(max)d characters")
                               % {"max": MEASUREMENT_MAX}, raw)
            else:
                evidence[column] = clean_text(raw)
        if self.extra_notes:
            notes = [evidence.get("notes", "")] + self.extra_notes
            evidence["notes"] = "\n\n".join(n for n in notes if n)
        return evidence


def check_rows(records: list[Record], binding: Binding, profile: Profile,
               orgs: OrganisationIndex, subdomains: SubDomainIndex,
               errors: list[RowError]) -> list[Planned]:
    """
    Check every record; return the plans of the good rows and add each problem to `errors`.

    A row with more values than the header has columns is reported and not checked further.
    """
    plans = []
    width = len(binding.header.values)
    present = set(profile.columns)
    for record in records:
        extra = [v for v in record.values[width:] if v.strip()]
        if extra:
            errors.append(RowError(record.line, "", _(
                "the row has %(count)d values but the header has %(width)d columns: is a value "
                "with a comma missing its quotes?") % {"count": len(record.values),
                                                      "width": width}))
            continue
        mapped, mapping_errors = binding.map_record(record)
        errors += mapping_errors
        row = _Row(mapped, present, orgs, subdomains)
        plan = row.check()
        if row.errors:
            errors += row.errors
        else:
            plans.append(plan)
    return plans
