"""
Writing checked plans in batches (`Writer`): new organisations for councils, new and changed
initiatives with their partners, sub-domains, links and evidence, one history row per write, and
the `initiatives_imported` signal. Unchanged initiatives are left alone.
"""

import datetime

from django.utils import timezone
from django.utils.text import slugify

from smartplace.coalitions.models import Coalition
from smartplace.initiatives.history import history_record_bulk
from smartplace.initiatives.models import Evidence, Initiative, InitiativeLink
from smartplace.initiatives.services import RESERVED_SLUGS
from smartplace.initiatives.signals import initiatives_imported
from smartplace.organisations.models import Organisation, Sector

from .existing import INITIATIVE_FIELDS
from .matching import OrganisationIndex, OrganisationMatch
from .report import ImportReport
from .rows import Planned

BATCH_SIZE = 500
SLUG_BASE_LENGTH = 100


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


class Writer:
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
