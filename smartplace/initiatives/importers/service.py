"""
`initiatives_import`: read a CSV file of initiatives, check every row, and write all of them in
one transaction or none at all. The file format is documented in docs/initiative-import.md.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from smartplace.coalitions.models import Coalition
from smartplace.core.models import Visibility
from smartplace.initiatives.history import history_record_bulk
from smartplace.initiatives.models import Evidence, Initiative, InitiativeLink
from smartplace.initiatives.services import RESERVED_SLUGS
from smartplace.initiatives.signals import initiatives_imported
from smartplace.organisations.models import Organisation, Sector

from .columns import EVIDENCE_COLUMNS, REQUIRED
from .matching import OrganisationIndex, OrganisationMatch, SubDomainIndex
from .profiles import Binding, MappedRow, Profile, identity_profile, profile_load
from .reading import FileRejected, Record, decode, read_records
from .report import ImportReport, InitiativeImportError, RowError, shown
from .values import (
    ValueProblem,
    choice,
    clean_text,
    one_line,
    parse_date,
    parse_money,
    parse_number,
    split_list,
    strict_key,
)

BATCH_SIZE = 500
SLUG_BASE_LENGTH = 100
TITLE_MAX = Initiative._meta.get_field("title").max_length
EXTERNAL_ID_MAX = Initiative._meta.get_field("external_id").max_length
MEASUREMENT_MAX = Evidence._meta.get_field("measurement").max_length
LINK_MAX = InitiativeLink._meta.get_field("url").max_length
SOURCE_MAX = Initiative._meta.get_field("source").max_length

# number column → (places, max_digits, negative allowed, money)
NUMBERS = {
    "capital_cost": (2, 14, False, True),
    "annual_cost": (2, 14, False, True),
    "annual_savings": (2, 14, True, True),
    "lifetime_years": (2, 6, False, False),
    "emission_savings_tco2e": (3, 14, True, False),
}
INITIATIVE_FIELDS = ("title", "description", "status", "start_date", "end_date",
                     "lead_organisation_id", "visibility", "external_id", "source")
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


def _existing_state(coalition: Coalition) -> dict[int, dict]:
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


def _unique_slug(title: str, taken: set[str]) -> str:
    base = slugify(title)[:SLUG_BASE_LENGTH].strip("-") or "initiative"
    slug, number = base, 1
    while slug in taken or slug in RESERVED_SLUGS:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


def _same(a, b) -> bool:
    """Equal as stored: Decimal("12.00") is the same amount as Decimal("12")."""
    if (a is None) != (b is None):
        return False
    return a == b


def _check_duplicates(plans: list[Planned], errors: list[RowError],
                      origin: dict[str, str]) -> None:
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


def _match_existing(plans: list[Planned], state: dict[int, dict]) -> None:
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


class _Writer:
    """Applies checked plans: creates, updates or leaves alone, in batches."""

    def __init__(self, coalition: Coalition, plans: list[Planned], state: dict[int, dict],
                 orgs: OrganisationIndex, source: str, dry_run: bool, report: ImportReport):
        self.coalition = coalition
        self.plans = plans
        self.state = state
        self.orgs = orgs
        self.source = source
        self.dry_run = dry_run
        self.report = report
        self.org_for_place: dict[int, int] = {}

    def _org_id(self, match: OrganisationMatch | None) -> int | None:
        if match is None:
            return None
        return match.organisation_id or self.org_for_place.get(match.place_id)

    def create_councils(self) -> None:
        """Organisations for councils that are in the places register but not yet organisations."""
        place_ids: list[int] = []
        for plan in self.plans:
            for match in [plan.lead, *(plan.partners or [])]:
                if match and match.place_id and match.place_id not in place_ids:
                    place_ids.append(match.place_id)
        taken = set(self.orgs.by_slug)
        new = []
        for place_id in place_ids:
            place = self.orgs.places[place_id]
            slug = _unique_slug(place["name"], taken)
            new.append(Organisation(slug=slug, name=place["name"], sector=Sector.PUBLIC,
                                    place_id=place_id))
        self.report.organisations_created = [org.name for org in new]
        if self.dry_run or not new:
            return
        Organisation.objects.bulk_create(new, batch_size=BATCH_SIZE)
        for org in new:
            self.org_for_place[org.place_id] = org.pk

    def _wanted(self, plan: Planned) -> dict:
        """The initiative fields the plan sets (those its file provides)."""
        wanted = dict(plan.fields)
        if plan.lead is not None or "lead_organisation" in self.present:
            wanted["lead_organisation_id"] = self._org_id(plan.lead)
        wanted["source"] = self.source
        return wanted

    def run(self, present: set[str]) -> None:
        self.present = present
        self.create_councils()
        now = timezone.now()
        taken = {row["slug"] for row in self.state.values()}
        creates: list[tuple[Planned, Initiative]] = []
        updates: list[tuple[Planned, Initiative, set[str]]] = []
        changed_m2m: dict[str, list[tuple[int, list]]] = {"partners": [], "subdomains": [],
                                                         "links": []}
        evidence_new: list[tuple[Planned, dict]] = []
        evidence_changed: list[tuple[dict, set[str]]] = []
        changed_ids: list[int] = []  # initiatives whose own fields or relations change
        for plan in self.plans:
            wanted = self._wanted(plan)
            if plan.existing_id is None:
                self.report.created += 1
                initiative = Initiative(coalition=self.coalition,
                                        slug=_unique_slug(wanted["title"], taken), **wanted)
                creates.append((plan, initiative))
                if plan.evidence and any(v not in (None, "") for v in plan.evidence.values()):
                    evidence_new.append((plan, plan.evidence))
                continue
            row = self.state[plan.existing_id]
            fields = {name for name, value in wanted.items() if not _same(row[name], value)}
            m2m = {
                "partners": (None if plan.partners is None
                             else [self._org_id(m) for m in plan.partners]),
                "subdomains": plan.subdomains,
                "links": plan.links,
            }
            m2m_changed = []
            for name, values in m2m.items():
                if values is None:
                    continue
                current = row[name]
                if (list(current) if name == "links" else current) != (
                        values if name == "links" else set(values)):
                    m2m_changed.append(name)
                    changed_m2m[name].append((plan.existing_id, values))
            evidence_fields: set[str] = set()
            if plan.evidence is not None:
                current = row["evidence"]
                if current is None:
                    if any(v not in (None, "") for v in plan.evidence.values()):
                        evidence_new.append((plan, plan.evidence))
                        evidence_fields = set(plan.evidence)
                else:
                    evidence_fields = {name for name, value in plan.evidence.items()
                                       if not _same(current[name], value)}
                    if evidence_fields:
                        evidence_changed.append(({**current, **plan.evidence}, evidence_fields))
            if fields or m2m_changed:
                changed_ids.append(plan.existing_id)
            if fields or m2m_changed or evidence_fields:
                self.report.updated += 1
                values = {name: row[name] for name in INITIATIVE_FIELDS}
                values.update(wanted)
                updates.append((plan, Initiative(id=plan.existing_id, coalition=self.coalition,
                                                 slug=row["slug"], updated_at=now, **values),
                                fields))
            else:
                self.report.unchanged += 1
        if self.dry_run:
            return
        Initiative.objects.bulk_create([i for _p, i in creates], batch_size=BATCH_SIZE)
        added: dict[str, list[tuple[int, list]]] = {"partners": [], "subdomains": [],
                                                    "links": []}
        for plan, initiative in creates:
            if initiative.pk is None:  # pragma: no cover - every supported database returns ids
                raise RuntimeError("the database did not return the new initiatives' ids")
            plan.existing_id = initiative.pk
            for name in added:
                values = getattr(plan, name)
                if name == "partners" and values is not None:
                    values = [self._org_id(m) for m in values]
                if values:
                    added[name].append((initiative.pk, values))
        fields = set().union(*(f for _p, _i, f in updates))
        if fields:
            Initiative.objects.bulk_update(
                [i for _p, i, f in updates if f],
                sorted(fields | {"updated_at"}), batch_size=BATCH_SIZE)
        touched = [i.pk for _p, i, f in updates if not f]
        for start in range(0, len(touched), BATCH_SIZE):
            Initiative.objects.filter(pk__in=touched[start:start + BATCH_SIZE]).update(
                updated_at=now)
        self._write_relations(replaced=changed_m2m, added=added)
        self._write_evidence(evidence_new, evidence_changed, now)
        history_record_bulk(
            created_ids=[initiative.pk for _p, initiative in creates], changed_ids=changed_ids,
            evidence_created_ids=[plan.existing_id for plan, _v in evidence_new],
            evidence_changed_ids=[values["initiative_id"] for values, _f in evidence_changed])
        initiatives_imported.send(
            sender=Initiative,
            initiative_ids=[initiative.pk for _p, initiative in creates] + changed_ids)

    def _write_relations(self, *, replaced: dict[str, list[tuple[int, list]]],
                         added: dict[str, list[tuple[int, list]]]) -> None:
        """Replace the relations of updated initiatives; add those of new ones."""
        models = {"partners": (Initiative.partners.through, "organisation_id"),
                  "subdomains": (Initiative.subdomains.through, "subdomain_id"),
                  "links": (InitiativeLink, "url")}
        for name, (model, column) in models.items():
            updated_ids = [initiative_id for initiative_id, _v in replaced[name]]
            for start in range(0, len(updated_ids), BATCH_SIZE):
                model.objects.filter(
                    initiative_id__in=updated_ids[start:start + BATCH_SIZE]).delete()
            model.objects.bulk_create(
                [model(initiative_id=initiative_id, **{column: value})
                 for initiative_id, values in replaced[name] + added[name] for value in values],
                batch_size=BATCH_SIZE)

    def _write_evidence(self, new: list[tuple[Planned, dict]],
                        changed: list[tuple[dict, set[str]]], now: datetime.datetime) -> None:
        Evidence.objects.bulk_create(
            [Evidence(initiative_id=plan.existing_id, **values) for plan, values in new],
            batch_size=BATCH_SIZE)
        fields = set().union(*(f for _v, f in changed))
        if fields:
            objects = []
            for values, _f in changed:
                values = dict(values)
                values.pop("initiative_id")
                objects.append(Evidence(updated_at=now, **values))
            Evidence.objects.bulk_update(objects, sorted(fields | {"updated_at"}),
                                         batch_size=BATCH_SIZE)


def _present(profile: Profile) -> set[str]:
    return set(profile.columns)


def initiatives_import(*, path: Path, coalition: Coalition, dry_run: bool = False,
                       profile: str | None = None, source: str = "") -> ImportReport:
    """
    Import the initiatives in the CSV file at `path` into `coalition`, all or nothing.

    The file is in the documented import format, or in a foreign format that the import
    profile named `profile` maps onto it. Every row is checked first; if any is bad, nothing is
    written and InitiativeImportError lists every problem with its line and column. Otherwise,
    in one transaction: rows matching an initiative already in the coalition (by `external_id`,
    else by title, lead organisation and start date) update it; the others create initiatives
    with slugs unique in the coalition; councils found only in the places register become
    organisations. `source` (default: the file's name) is recorded on each initiative. With
    `dry_run` nothing is written and the report says what would happen. Raises ProfileError for
    an unknown or malformed profile and OSError if the file cannot be read.
    """
    path = Path(path)
    loaded = profile_load(profile) if profile else None
    data = path.read_bytes()
    try:
        text, encoding = decode(data)
        header, records, errors = read_records(text)
    except FileRejected as rejected:
        raise InitiativeImportError([rejected.error]) from None
    used = loaded or identity_profile(header)
    binding = Binding(used, header, native=loaded is None)
    errors += binding.errors
    if loaded is None:
        for column in REQUIRED:
            if column not in used.columns:
                errors.append(RowError(header.line, column, _("missing required column")))
    if not records and not errors:
        errors.append(RowError(header.line + 1, "", _(
            "the file has a header but no initiatives")))
    if binding.fatal or (loaded is None and "title" not in used.columns):
        # Without a usable header the rows cannot be read meaningfully.
        raise InitiativeImportError(errors, encoding=encoding)
    report = ImportReport(path=str(path), encoding=encoding, profile=used.name,
                          dry_run=dry_run, rows=len(records))
    source = (source or path.name)[:SOURCE_MAX]
    try:
        with transaction.atomic():
            _import_checked(coalition, records, binding, used, errors, encoding, report, source,
                            dry_run)
    except IntegrityError as error:
        raise InitiativeImportError([RowError(header.line, "", _(
            "the coalition's initiatives or the organisations changed while this import was "
            "running (another import at the same time?), so nothing was written; run it "
            "again (%(error)s)") % {"error": error})], encoding=encoding) from error
    return report


def _import_checked(coalition: Coalition, records: list[Record], binding: Binding,
                    used: Profile, errors: list[RowError], encoding: str, report: ImportReport,
                    source: str, dry_run: bool) -> None:
    """Check every row and, if all are good and this is not a dry run, write them."""
    coalition = Coalition.objects.select_for_update().get(pk=coalition.pk)
    orgs = OrganisationIndex()
    subdomains = SubDomainIndex(coalition.framework_id)
    plans = _check_rows(records, binding, used, orgs, subdomains, errors)
    origin = {target: binding.column_name(spec.source or target)
              for target, spec in used.columns.items()}
    _check_duplicates(plans, errors, origin)
    if errors:
        raise InitiativeImportError(errors, encoding=encoding)
    state = _existing_state(coalition)
    _match_existing(plans, state)
    _Writer(coalition, plans, state, orgs, source, dry_run, report).run(_present(used))


def _check_rows(records: list[Record], binding: Binding, profile: Profile,
                orgs: OrganisationIndex, subdomains: SubDomainIndex,
                errors: list[RowError]) -> list[Planned]:
    plans = []
    width = len(binding.header.values)
    present = _present(profile)
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
