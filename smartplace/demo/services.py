"""
Loading the demo Sheffield coalition from the data files in `smartplace/demo/data/`.

The data is data, not code: `coalition.json` (the coalition), `organisations.json`,
`people.json`, `initiatives.csv` (in the documented initiative import format, loaded by the
real importer) and `smart_questions.json` (questions members proposed, supported, and the
domain's lead agreed or declined). docs/demo.md says what is taken from the seeds and what is
invented.
"""

from __future__ import annotations

import csv
import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from smartplace.coalitions.models import Coalition
from smartplace.coalitions.services import coalition_create
from smartplace.core.models import Visibility
from smartplace.frameworks.models import (
    Domain,
    Framework,
    SmartQuestion,
    SmartQuestionSupport,
)
from smartplace.frameworks.services import framework_adopt, framework_load_builtins
from smartplace.initiatives.history import history_record_bulk
from smartplace.initiatives.importers import InitiativeImportError, initiatives_import
from smartplace.initiatives.models import Initiative
from smartplace.organisations.models import Organisation, Sector
from smartplace.people.models import Membership, Person
from smartplace.places.importers import places_import
from smartplace.places.models import Place

DATA_DIR = Path(__file__).resolve().parent / "data"

#: The one demo account with a known password (docs/demo.md). Every other demo person's user
#: has an unusable password.
COORDINATOR_EMAIL = "coordinator@demo.invalid"
COORDINATOR_PASSWORD = "demo-coordinator-2017"

#: The `source` of every initiative the demo loads, so a refresh touches only those.
DEMO_SOURCE = "smartplace demo data (smartplace/demo/data/initiatives.csv)"

#: Descriptions of anything invented start with this (checked by the tests).
DEMO_PREFIX = "Demo data:"


class DemoDataError(Exception):
    """A demo data file is wrong, or the demo would overwrite real data; the message says where."""


@dataclass(frozen=True)
class DemoSummary:
    """What `demo_load` left in the database for the demo coalition."""

    coalition: Coalition
    places: int
    frameworks: int
    organisations: int
    people: int
    memberships: dict[str, int] = field(default_factory=dict)
    initiatives: int = 0
    private_initiatives: int = 0
    smart_questions: str = ""  # "3 (1 agreed, 1 proposed, 1 declined)"
    coordinator_email: str = COORDINATOR_EMAIL

    def lines(self) -> list[str]:
        """The summary as lines for people."""
        memberships = ", ".join(f"{count} {status}" for status, count in
                                sorted(self.memberships.items()))
        return [
            f"Demo coalition “{self.coalition.name}” at /coalitions/{self.coalition.slug}/",
            f"  places in the register: {self.places}",
            f"  built-in frameworks: {self.frameworks}",
            f"  domains: {self.coalition.framework.domains.count()}"
            if self.coalition.framework_id else "  domains: 0",
            f"  organisations: {self.organisations}",
            f"  people: {self.people} (memberships: {memberships})",
            f"  initiatives: {self.initiatives} ({self.private_initiatives} private)",
            f"  smart questions proposed by members: {self.smart_questions}",
        ]


# ---------------------------------------------------------------------------------------------
# Reading the data files


def _read_json(path: Path, expected_format: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise DemoDataError(f"{path}: the file is missing.") from error
    except json.JSONDecodeError as error:
        raise DemoDataError(
            f"{path}, line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})."
        ) from error
    if not isinstance(data, dict) or data.get("format") != expected_format:
        raise DemoDataError(f"{path}: “format” must be “{expected_format}”.")
    return data


def _required(entry: dict, key: str, where: str) -> Any:
    value = entry.get(key)
    if value in (None, ""):
        raise DemoDataError(f"{where}: “{key}” is missing.")
    return value


def _date(value: str | None, where: str, key: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise DemoDataError(f"{where}: “{key}” is “{value}”, not a date (YYYY-MM-DD).") from error


def _place(code: str | None, where: str) -> Place | None:
    if not code:
        return None
    place = Place.objects.filter(register_code=code).first()
    if place is None:
        raise DemoDataError(f"{where}: no place with register code “{code}” in the register.")
    return place


# ---------------------------------------------------------------------------------------------
# Loading


def _builtin_framework(slug: str, where: str) -> Framework:
    framework = (Framework.objects.filter(slug=slug, coalition__isnull=True, is_builtin=True)
                 .order_by("-version").first())
    if framework is None:
        raise DemoDataError(f"{where}: no built-in framework with the slug “{slug}”.")
    return framework


def _coalition(data: dict, where: str) -> Coalition:
    """Create the demo coalition, or refresh the one a previous run created."""
    slug = _required(data, "slug", where)
    name = _required(data, "name", where)
    description = data.get("description", "")
    place = _place(data.get("place"), where)
    framework = _builtin_framework(_required(data, "framework", where), where)
    coalition = Coalition.objects.filter(slug=slug).first()
    if coalition is None:
        try:
            return coalition_create(slug=slug, name=name, place=place, framework=framework,
                                    description=description, is_demo=True)
        except ValidationError as error:
            raise DemoDataError(f"{where}: {'; '.join(error.messages)}") from error
    if not coalition.is_demo:
        raise DemoDataError(
            f"A coalition with the slug “{slug}” exists and is not demo data; the demo will not "
            f"change it. Load the demo into another database."
        )
    coalition.name, coalition.description, coalition.place = name, description, place
    coalition.full_clean()
    coalition.save()
    if not coalition.framework_id:
        framework_adopt(framework=framework, coalition=coalition)
    return coalition


def _organisations(data: dict, path: Path) -> dict[str, Organisation]:
    entries = data.get("organisations")
    if not isinstance(entries, list) or not entries:
        raise DemoDataError(f"{path}: “organisations” must be a list of organisations.")
    sectors = {value for value, _label in Sector.choices}
    by_slug: dict[str, Organisation] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"{path}, organisation {number}"
        slug = _required(entry, "slug", where)
        where = f"{path}, organisation “{slug}”"
        if slug in by_slug:
            raise DemoDataError(f"{where}: the slug is used twice.")
        sector = _required(entry, "sector", where)
        if sector not in sectors:
            raise DemoDataError(f"{where}: unknown sector “{sector}”; use one of "
                                f"{', '.join(sorted(sectors))}.")
        if entry.get("origin") not in ("seed", "real", "fictional"):
            raise DemoDataError(f"{where}: “origin” must be seed, real or fictional.")
        values = {
            "name": _required(entry, "name", where),
            "sector": sector,
            "description": entry.get("description", ""),
            "website": entry.get("website", ""),
            "place": _place(entry.get("place"), where),
            "companies_house_number": entry.get("companies_house_number", ""),
            "charity_number": entry.get("charity_number", ""),
            "alt_names": "\n".join(entry.get("alt_names", [])),
        }
        organisation = Organisation.objects.filter(slug=slug).first() or Organisation(slug=slug)
        for key, value in values.items():
            setattr(organisation, key, value)
        try:
            organisation.full_clean()
        except ValidationError as error:
            raise DemoDataError(f"{where}: {'; '.join(error.messages)}") from error
        organisation.save()
        by_slug[slug] = organisation
    return by_slug


def _domains(coalition: Coalition, slugs: list[str], where: str) -> list[Domain]:
    domains = {d.slug: d for d in Domain.objects.filter(framework_id=coalition.framework_id)}
    unknown = [slug for slug in slugs if slug not in domains]
    if unknown:
        raise DemoDataError(f"{where}: the coalition’s framework has no domain "
                            f"“{', '.join(unknown)}”.")
    return [domains[slug] for slug in slugs]


def _user(email: str, name: str, password: str | None):
    User = get_user_model()
    username = email.strip().lower()
    user = User.objects.filter(username=username).first() or User(username=username)
    user.email = username
    first, _space, last = name.partition(" ")
    user.first_name, user.last_name = first, last
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


def _people(data: dict, path: Path, coalition: Coalition,
            organisations: dict[str, Organisation],
            coordinator_password: str | None) -> list[tuple[Person, list[str]]]:
    entries = data.get("people")
    if not isinstance(entries, list) or not entries:
        raise DemoDataError(f"{path}: “people” must be a list of people.")
    roles = {value for value, _label in Membership.Role.choices}
    statuses = {value for value, _label in Membership.Status.choices}
    people = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path}, person {number}"
        name = _required(entry, "name", where)
        email = _required(entry, "email", where)
        where = f"{path}, person “{name}”"
        role, status = entry.get("role", "member"), entry.get("status", "active")
        if role not in roles:
            raise DemoDataError(f"{where}: unknown role “{role}”.")
        if status not in statuses:
            raise DemoDataError(f"{where}: unknown status “{status}”.")
        org_slug = entry.get("organisation") or ""
        if org_slug and org_slug not in organisations:
            raise DemoDataError(f"{where}: no organisation “{org_slug}” in organisations.json.")

        password = coordinator_password if email.lower() == COORDINATOR_EMAIL else None
        user = _user(email, name, password)
        person = Person.objects.filter(user=user).first() or Person(user=user)
        person.name = name
        person.job_title = entry.get("job_title", "")
        person.public_profile = bool(entry.get("public_profile", False))
        person.save()
        person.domains.set(_domains(coalition, entry.get("domains", []), where))

        membership = (Membership.objects.filter(person=person, coalition=coalition)
                      .order_by("-id").first()
                      or Membership(person=person, coalition=coalition))
        membership.role, membership.status = role, status
        membership.organisation = organisations.get(org_slug)
        membership.joined_on = _date(entry.get("joined_on"), where, "joined_on")
        membership.left_on = _date(entry.get("left_on"), where, "left_on")
        membership.request_message = entry.get("request_message", "")
        membership.save()
        membership.lead_domains.set(_domains(coalition, entry.get("lead_domains", []), where))
        people.append((person, list(entry.get("initiatives", []))))
    return people


def _initiatives(path: Path, coalition: Coalition) -> None:
    """
    Import the demo initiatives with the real importer. It updates the initiatives an earlier
    run created (matched on `external_id`); demo initiatives no longer in the file are deleted.
    """
    try:
        initiatives_import(path=path, coalition=coalition, source=DEMO_SOURCE)
    except InitiativeImportError as error:
        problems = "\n".join(f"  {problem}" for problem in error.errors)
        raise DemoDataError(f"{path}: the initiative importer refused the file:\n{problems}") \
            from error
    with path.open(newline="", encoding="utf-8-sig") as handle:
        shipped = {row.get("external_id", "") for row in csv.DictReader(handle)}
    (Initiative.objects.filter(coalition=coalition, source=DEMO_SOURCE)
     .exclude(external_id__in=shipped).delete())


def _moment(value: str, where: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise DemoDataError(f"{where}: “{value}” is not a date and time "
                            "(YYYY-MM-DDTHH:MM:SS+00:00).") from error
    if moment.tzinfo is None:
        raise DemoDataError(f"{where}: “{value}” needs a time zone (for example +00:00).")
    return moment


def _initiatives_recorded(data: dict, where: str, coalition: Coalition) -> None:
    """
    Date the demo initiatives' records (`created_at`) as in early 2018 (`initiatives_recorded`
    in coalition.json): the default for all, a later date for a few. update() leaves
    `updated_at` alone and records no history.
    """
    recorded = data.get("initiatives_recorded")
    if not recorded:
        return
    demo = Initiative.objects.filter(coalition=coalition, source=DEMO_SOURCE)
    later = recorded.get("later", {})
    unknown = sorted(set(later) - set(demo.values_list("external_id", flat=True)))
    if unknown:
        raise DemoDataError(f"{where}, initiatives_recorded: no initiative with the "
                            f"external_id “{unknown[0]}” in initiatives.csv.")
    demo.exclude(external_id__in=list(later)).update(
        created_at=_moment(_required(recorded, "default", f"{where}, initiatives_recorded"),
                           f"{where}, initiatives_recorded, default"))
    for external_id, value in later.items():
        demo.filter(external_id=external_id).update(
            created_at=_moment(value, f"{where}, initiatives_recorded, {external_id}"))


def _initiative_people(coalition: Coalition, people: list[tuple[Person, list[str]]],
                       path: Path) -> None:
    """Link the demo's people to their initiatives; the audit history records the change."""
    by_external_id = {i.external_id: i for i in
                      Initiative.objects.filter(coalition=coalition, source=DEMO_SOURCE)}
    linked = set(Initiative.people.through.objects.filter(
        initiative__in=by_external_id.values()).values_list("initiative_id", "person_id"))
    changed = set()
    for person, external_ids in people:
        for external_id in external_ids:
            initiative = by_external_id.get(external_id)
            if initiative is None:
                raise DemoDataError(f"{path}, person “{person.name}”: no initiative with the "
                                    f"external_id “{external_id}” in initiatives.csv.")
            if (initiative.pk, person.pk) not in linked:
                initiative.people.add(person)
                changed.add(initiative.pk)
    history_record_bulk(created_ids=[], changed_ids=sorted(changed))


def _smart_questions(path: Path, coalition: Coalition) -> None:
    """
    The demo's smart questions (`smart_questions.json`): each matched on its domain and text,
    created or brought back to its shipped status, proposer, decision, supporters and dates.
    Questions added by hand are kept.
    """
    data = _read_json(path, "smartplace-demo-questions/1")
    entries = data.get("questions")
    if not isinstance(entries, list):
        raise DemoDataError(f"{path}: “questions” must be a list of questions.")
    statuses = SmartQuestion.Status.values

    def person(email: str | None, where: str, key: str) -> Person | None:
        if not email:
            return None
        found = Person.objects.filter(user__username=email.strip().lower()).first()
        if found is None:
            raise DemoDataError(f"{where}: “{key}” is {email}, not a person in people.json.")
        return found

    for number, entry in enumerate(entries, start=1):
        where = f"{path}, question {number}"
        domain = _domains(coalition, [_required(entry, "domain", where)], where)[0]
        text = _required(entry, "text", where)
        status = entry.get("status", SmartQuestion.Status.PROPOSED)
        if status not in statuses:
            raise DemoDataError(f"{where}: unknown status “{status}”; use one of "
                                f"{', '.join(statuses)}.")
        question = SmartQuestion.objects.filter(domain=domain, text=text).first()
        if question is None:
            last = domain.questions.aggregate(last=Max("position"))["last"]
            question = SmartQuestion(domain=domain, text=text,
                                     position=0 if last is None else last + 1)
        question.status = status
        question.proposed_by = person(entry.get("proposed_by"), where, "proposed_by")
        question.decided_by = person(entry.get("decided_by"), where, "decided_by")
        decided_at = entry.get("decided_at")
        question.decided_at = _moment(decided_at, where) if decided_at else None
        question.save()
        proposed_at = entry.get("proposed_at")
        if proposed_at:
            SmartQuestion.objects.filter(pk=question.pk).update(
                created_at=_moment(proposed_at, where))
        supporters = entry.get("supporters", [])
        emails = [_required(s, "email", where) for s in supporters]
        question.supports.exclude(person__user__username__in=emails).delete()
        for supporter in supporters:
            supporter_person = person(supporter["email"], where, "supporters")
            at = _moment(supporter["at"], where) if supporter.get("at") else timezone.now()
            SmartQuestionSupport.objects.update_or_create(
                question=question, person=supporter_person, defaults={"created_at": at})


def demo_near_duplicates(*, data_dir: Path | None = None) -> list[tuple[str, str]]:
    """
    The demo's deliberate near-duplicates (`near_duplicates.json`): pairs of initiatives'
    external ids that the overlap report should find. Raises DemoDataError for a bad file.
    """
    path = (data_dir or DATA_DIR) / "near_duplicates.json"
    data = _read_json(path, "smartplace-demo-near-duplicates/1")
    return [(_required(pair, "a", str(path)), _required(pair, "b", str(path)))
            for pair in data.get("pairs", [])]


def demo_load(*, data_dir: Path | None = None,
              coordinator_password: str | None = None) -> DemoSummary:
    """
    Load the demo Sheffield coalition, or bring it back to its shipped state.

    Imports the bundled register of places and the built-in frameworks, then, all or nothing:
    creates the demo coalition (`is_demo`) for its place with its own copy of the Sheffield 2017
    framework, or refreshes it; creates or updates the organisations (matched on slug), the
    people with a Django user each (matched on email; unusable passwords, except the
    coordinator's, set to `coordinator_password`, or unusable when it is None) and their
    memberships; and imports `initiatives.csv` through the initiative importer with `source` =
    DEMO_SOURCE, updating the initiatives an earlier run created (matched on `external_id`) and
    deleting demo initiatives no longer in the file, and dates their records as in early 2018
    (`initiatives_recorded` in coalition.json); and brings the smart questions of
    `smart_questions.json` to their shipped state (status, proposer, decision, supporters,
    dates). Anything else in the coalition is left alone. Running it again leaves the same
    counts.

    Raises DemoDataError, and changes nothing in the coalition, when a data file is wrong or a
    coalition with the demo's slug exists that is not demo data.
    """
    data_dir = DATA_DIR if data_dir is None else Path(data_dir)
    coalition_path = data_dir / "coalition.json"
    organisations_path = data_dir / "organisations.json"
    people_path = data_dir / "people.json"
    initiatives_path = data_dir / "initiatives.csv"
    coalition_data = _read_json(coalition_path, "smartplace-demo-coalition/1")
    organisations_data = _read_json(organisations_path, "smartplace-demo-organisations/1")
    people_data = _read_json(people_path, "smartplace-demo-people/1")
    if not initiatives_path.exists():
        raise DemoDataError(f"{initiatives_path}: the file is missing.")

    places_import()
    frameworks = framework_load_builtins()
    with transaction.atomic():
        coalition = _coalition(coalition_data, str(coalition_path))
        organisations = _organisations(organisations_data, organisations_path)
        people = _people(people_data, people_path, coalition, organisations,
                         coordinator_password)
        _initiatives(initiatives_path, coalition)
        _initiatives_recorded(coalition_data, str(coalition_path), coalition)
        _initiative_people(coalition, people, people_path)
        _smart_questions(data_dir / "smart_questions.json", coalition)

    # The memberships of people.json's people (the rounds' demo raters, added later, are
    # counted by the rounds' own summary), so a second run reports the same.
    memberships = dict(
        Membership.objects.filter(coalition=coalition,
                                  person__in=[person for person, _domains in people])
        .values_list("status")
        .annotate(n=Count("id")).values_list("status", "n")
    )
    initiatives = Initiative.objects.filter(coalition=coalition)
    return DemoSummary(
        coalition=coalition,
        places=Place.objects.count(),
        frameworks=len(frameworks),
        organisations=len(organisations),
        people=len(people),
        memberships=memberships,
        initiatives=initiatives.count(),
        private_initiatives=initiatives.filter(visibility=Visibility.PRIVATE).count(),
        smart_questions=_question_summary(coalition),
    )


def _question_summary(coalition: Coalition) -> str:
    by_status = dict(SmartQuestion.objects.filter(
        domain__framework_id=coalition.framework_id, proposed_by__isnull=False,
    ).values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    parts = ", ".join(f"{by_status[status]} {status}" for status in SmartQuestion.Status.values
                      if status in by_status)
    return f"{sum(by_status.values())} ({parts})" if parts else "0"
