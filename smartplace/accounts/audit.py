"""
A coalition's audit history for its coordinators (`/coalitions/<slug>/audit/`): the changes
django-simple-history recorded to its initiatives (with their relations: `initiatives.history`)
and evidence, its framework copy and smart questions, which initiatives answer them, and its
fitness ratings (`rounds.RatingHistory`), each with who, when and what changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from itertools import groupby

from django.db.models import F, IntegerField, Q, Value
from django.utils.translation import gettext as _

from smartplace.coalitions.models import Coalition
from smartplace.frameworks.models import (
    Domain,
    Framework,
    SmartQuestion,
    SmartQuestionSupport,
    SubDomain,
)
from smartplace.initiatives.history import RELATIONS
from smartplace.initiatives.models import Evidence, Initiative, InitiativeLink
from smartplace.insights.models_gaps import QuestionAnswer
from smartplace.people.models import Person
from smartplace.rounds.models import RatingHistory

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class AuditEntry:
    """One change: when, who (a name), what kind of thing, which one, how, and the fields."""

    when: datetime
    who: str
    kind: str
    object: str
    action: str
    changes: list[Change] = field(default_factory=list)
    url: str = ""


def _show(value) -> str:
    if value is None or value == "":
        return "—"
    text = str(value)
    return text if len(text) <= 300 else text[:299] + "…"


def _names(user_ids) -> dict[int, str]:
    people = Person.objects.filter(user_id__in=[u for u in user_ids if u]).values_list(
        "user_id", "name")
    return dict(people)


@dataclass(frozen=True)
class Relation:
    """
    One of an initiative's relations kept in its historical rows' `related`
    (`initiatives.history`), compared like a field: partners, people, sub-domains or links.
    """

    name: str
    verbose_name: str  # lazily translated
    related_model: type | None  # None for links: [address, title] pairs, not ids


@cache
def _relations() -> tuple[Relation, ...]:
    """The relations, built once; their names stay lazy, so each page has its language's."""
    return (*(Relation(name, Initiative._meta.get_field(name).verbose_name,
                       Initiative._meta.get_field(name).related_model)
              for name in RELATIONS),
            Relation("links", InitiativeLink._meta.verbose_name_plural, None))


def _related_changes(previous, record) -> list[tuple]:
    """
    What changed in an initiative's relations: all it had on a "+" record; on a "~" record,
    each relation that differs from the previous record (rows from before relations were kept
    have none, and are not compared).
    """
    new = getattr(record, "related", None) or {}
    if record.history_type == "+":
        return [(relation, None, new[relation.name]) for relation in _relations()
                if new.get(relation.name)]
    old = (getattr(previous, "related", None) or {}) if previous is not None else {}
    return [(relation, old[relation.name], new[relation.name]) for relation in _relations()
            if relation.name in old and relation.name in new
            and old[relation.name] != new[relation.name]]


def _diffs(records, fields: list) -> dict[int, list[tuple]]:
    """
    {history_id: [(field, old, new)] against the previous record of the same object}; for an
    initiative, its relations too (field a Relation, old and new lists).
    """
    out = {}
    ordered = sorted(records, key=lambda r: (r.id, r.history_date, r.history_id))
    for _pk, group in groupby(ordered, key=lambda r: r.id):
        previous = None
        for record in group:
            changes = []
            if record.history_type == "~" and previous is not None:
                for model_field in fields:
                    old = getattr(previous, model_field.attname)
                    new = getattr(record, model_field.attname)
                    if old != new:
                        changes.append((model_field, old, new))
            elif record.history_type == "+":
                changes = [(model_field, None, getattr(record, model_field.attname))
                           for model_field in fields
                           if getattr(record, model_field.attname) not in (None, "")]
            if record.history_type != "-":
                changes += _related_changes(previous, record)
            out[record.history_id] = changes
            previous = record
    return out


def _show_related(relation: Relation, values: list, names: dict) -> str:
    """Partners, people or sub-domains by name, in alphabetical order; links as "title
    (address)", in their order; "—" for none. A record deleted since shows as its number."""
    if relation.related_model is None:
        shown = [f"{title} ({url})" if title else url for url, title in values]
    else:
        known = names.get(relation.related_model, {})
        shown = sorted((known.get(pk, f"#{pk}") for pk in values), key=str.casefold)
    return _show("; ".join(shown))


def _audited_fields(model) -> list:
    skip = {"id", "created_at", "updated_at"}
    return [f for f in model._meta.fields if f.name not in skip]


def _labelled(raw: dict[int, list[tuple]]) -> dict[int, list[Change]]:
    """
    The changes with each field's name as people read it ("lead organisation", not
    "lead_organisation_id") and linked records by name, not number: one query per kind of
    linked record, whatever the number of changes.
    """
    wanted: dict[type, set] = {}
    for changes in raw.values():
        for model_field, old, new in changes:
            if isinstance(model_field, Relation):
                if model_field.related_model is not None:
                    wanted.setdefault(model_field.related_model, set()).update(
                        *(v for v in (old, new) if v is not None))
            elif model_field.is_relation:
                wanted.setdefault(model_field.related_model, set()).update(
                    v for v in (old, new) if v is not None)
    names = {model: {pk: str(obj) for pk, obj in model._default_manager.in_bulk(
        list(ids)).items()} for model, ids in wanted.items()}

    def shown(model_field, value) -> str:
        if isinstance(model_field, Relation):
            return _show_related(model_field, value, names)
        if model_field.is_relation and value is not None:
            value = names.get(model_field.related_model, {}).get(value, f"#{value}")
        elif model_field.choices and value not in (None, ""):
            value = dict(model_field.flatchoices).get(value, value)
        return _show(value)

    return {history_id: [Change(field=str(model_field.verbose_name),
                                old="" if old is None or old == [] else shown(model_field, old),
                                new=shown(model_field, new))
                         for model_field, old, new in changes]
            for history_id, changes in raw.items()}


#: How many changes a page of the audit history shows.
PAGE_SIZE = 100

#: The kinds of record the audit history can be restricted to (`?kind=`), and the tables
#: each reads ("ratings" is `rounds.RatingHistory`).
KINDS: dict[str, tuple] = {
    "initiatives": (Initiative, Evidence),
    "questions": (SmartQuestion, SmartQuestionSupport, QuestionAnswer),
    "framework": (Framework, Domain, SubDomain),
    "ratings": (RatingHistory,),
}


def _sources(coalition: Coalition) -> list[tuple[type, Q]]:
    """Each audited model and the condition on its history for `coalition`'s changes."""
    framework_id = coalition.framework_id
    initiatives = Initiative.objects.filter(coalition=coalition).values("pk")
    domains = Domain.objects.filter(framework_id=framework_id).values("pk")
    return [
        (Initiative, Q(coalition_id=coalition.pk)),
        (Evidence, Q(initiative_id__in=initiatives)),
        (Framework, Q(id=framework_id)),
        (Domain, Q(framework_id=framework_id)),
        (SubDomain, Q(domain_id__in=domains)),
        (SmartQuestion, Q(domain_id__in=domains)),
        (SmartQuestionSupport, Q(question_id__in=SmartQuestion.objects.filter(
            domain__framework_id=framework_id).values("pk"))),
        (QuestionAnswer, Q(initiative_id__in=initiatives)),
    ]


class AuditHistory:
    """
    A coalition's audit history, newest first, as a sequence for Django's Paginator: its
    length and its slices are read from the database, never the whole history.

    The history is in several tables (one per audited model, and the ratings' own). A single
    UNION ALL query of each table's (time, row id, table number) for the coalition, ordered by
    time (then table, then row id, newest first), counts them and picks a slice's rows, so the
    database does the merging and only a page's worth of keys is read. Only those rows are
    then read in full, with each object's earlier rows to say what changed. Ratings are
    described by `_rating_entries`, which reads the newest n ratings: n is the position of the
    page's oldest rating, so a later page reads more of them.

    `kinds` restricts it to some of KINDS (all when empty).
    """

    def __init__(self, *, coalition: Coalition, kinds: Sequence[str] = ()):
        self.coalition = coalition
        wanted = {model for kind in (kinds or KINDS) for model in KINDS[kind]}
        self.sources = [(model, condition) for model, condition in _sources(coalition)
                        if model in wanted]
        self.ratings = RatingHistory in wanted
        self._count: int | None = None

    def _keys(self):
        parts = [model.history.filter(condition).order_by()
                 .annotate(when=F("history_date"), key=F("history_id"),
                           table=Value(number, output_field=IntegerField()))
                 .values_list("when", "key", "table")
                 for number, (model, condition) in enumerate(self.sources)]
        if self.ratings:
            parts.append(self._rating_rows().order_by()
                         .annotate(when=F("recorded_at"), key=F("pk"),
                                   table=Value(RATINGS, output_field=IntegerField()))
                         .values_list("when", "key", "table"))
        if not parts:
            return None
        first, *rest = parts
        return first.union(*rest, all=True).order_by("-when", "-table", "-key")

    def _rating_rows(self):
        return RatingHistory.objects.filter(rating__round__coalition=self.coalition)

    def count(self) -> int:
        """How many changes there are (one query)."""
        if self._count is None:
            keys = self._keys()
            self._count = keys.count() if keys is not None else 0
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[AuditEntry]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("AuditHistory is read in slices")
        start, stop = index.start or 0, index.stop
        keys_query = self._keys()
        if keys_query is None or (stop is not None and stop <= start):
            return []
        keys = list(keys_query[start:stop])
        return self._entries(keys)

    def _entries(self, keys: list[tuple]) -> list[AuditEntry]:
        """The entries for these (time, row id, table number) keys, in their order."""
        built: dict[tuple[int, int], AuditEntry] = {}
        user_ids = set()
        pending = []
        raw: dict[tuple, list[tuple]] = {}
        for number, (model, _condition) in enumerate(self.sources):
            ids = [key for _when, key, table in keys if table == number]
            if not ids:
                continue
            shown = list(model.history.filter(history_id__in=ids))
            objects = {r.id for r in shown}
            oldest = min(r.history_date for r in shown)
            # The earlier records of each object, to diff the oldest shown change against.
            context = list(model.history.filter(id__in=objects, history_date__lte=oldest)
                           .exclude(history_id__in=ids))
            diffs = _diffs(shown + context, _audited_fields(model))
            for record in shown:
                user_ids.add(record.history_user_id)
                raw[(model, record.history_id)] = diffs.get(record.history_id, [])
                pending.append((number, model, record))
        labelled = _labelled(raw)
        names = _names(user_ids)
        titles = dict(Initiative.objects.filter(pk__in={
            record.initiative_id for _number, model, record in pending
            if model in (Evidence, QuestionAnswer)}).values_list("pk", "title"))
        # Support for a smart question is named by its question; an answer by both.
        titles.update({("question", pk): text for pk, text in SmartQuestion.objects.filter(
            pk__in={record.question_id for _number, model, record in pending
                    if model in (SmartQuestionSupport, QuestionAnswer)}
        ).values_list("pk", "text")})
        for number, model, record in pending:
            built[(number, record.history_id)] = AuditEntry(
                when=record.history_date,
                who=names.get(record.history_user_id, "") if record.history_user_id else "",
                kind=str(model._meta.verbose_name), object=_label(model, record, titles),
                action=ACTIONS[record.history_type],
                changes=labelled[(model, record.history_id)])
        ratings = [(when, key) for when, key, table in keys if table == RATINGS]
        if ratings:
            when, key = ratings[-1]
            # The newest `position` ratings end with this page's: their entries are the last.
            position = self._rating_rows().filter(
                Q(recorded_at__gt=when) | Q(recorded_at=when, pk__gte=key)).count()
            described = _rating_entries(coalition=self.coalition, limit=position)
            for (_when, rating_key), entry in zip(ratings, described[-len(ratings):],
                                                  strict=True):
                built[(RATINGS, rating_key)] = entry
        return [built[(table, key)] for _when, key, table in keys]


#: The table number of the ratings' history in AuditHistory's keys (after the audited models).
RATINGS = 99


def audit_entries(*, coalition: Coalition, limit: int = 200,
                  kinds: Sequence[str] = ()) -> list[AuditEntry]:
    """
    The latest `limit` changes in `coalition`, newest first: its initiatives and their evidence,
    its framework copy (framework, domains, sub-domains, smart questions and support for them),
    and fitness ratings in its rounds, each with who made it and, for changes, each field's old
    and new value (fields by name, linked records by name, a rating's level by the scale's name
    for it). `kinds` restricts it to some of KINDS. Runs a fixed number of queries whatever the
    number of changes (`AuditHistory`, which the page reads a page at a time).
    """
    return AuditHistory(coalition=coalition, kinds=kinds)[0:limit]


def _label(model, record, titles: dict[int, str]) -> str:
    """What a historical record is about, as its pages name it (not "… as of <date>")."""
    if model is Evidence:
        return _show(titles.get(record.initiative_id, record.initiative_id))
    if model is SmartQuestionSupport:
        return _show(titles.get(("question", record.question_id), record.question_id))
    if model is QuestionAnswer:
        return _show(f"{titles.get(record.initiative_id, record.initiative_id)} → "
                     f"{titles.get(('question', record.question_id), record.question_id)}")
    if model is Framework:
        return _show(f"{record.name} ({record.version})")
    for name in ("title", "name", "text"):
        if hasattr(record, name):
            return _show(getattr(record, name))
    return _show(record.id)


def _rating_entries(*, coalition: Coalition, limit: int) -> list[AuditEntry]:
    """
    Fitness ratings given and changed: who rated which sub-domain in which round, when, and
    whether the level, the confidence or both changed. Never the values: nobody, coordinators
    included, sees an individual rating (docs/rounds.md); the round's published figures are
    the consolidation of them.
    """
    latest = list(RatingHistory.objects
                  .filter(rating__round__coalition=coalition)
                  .select_related("rating__person", "rating__subdomain", "rating__round")
                  .order_by("-recorded_at", "-pk")[:limit])
    if not latest:
        return []
    # The value before each change, only to say which parts changed.
    earlier: dict[int, list[tuple[int, int | None, str]]] = {}
    for pk, rating_id, level, confidence in (
            RatingHistory.objects.filter(rating_id__in={e.rating_id for e in latest})
            .order_by("recorded_at", "pk").values_list("pk", "rating_id", "level",
                                                       "confidence")):
        earlier.setdefault(rating_id, []).append((pk, level, confidence))
    hidden = _("changed (individual ratings are not shown)")
    entries = []
    for entry in latest:
        rating = entry.rating
        history = earlier.get(entry.rating_id, [])
        position = next(i for i, (pk, _level, _confidence) in enumerate(history)
                        if pk == entry.pk)
        changes = []
        if position > 0:
            _pk, level, confidence = history[position - 1]
            if level != entry.level:
                changes.append(Change(field=_("level"), old="", new=hidden))
            if confidence != entry.confidence:
                changes.append(Change(field=_("confidence"), old="", new=hidden))
        entries.append(AuditEntry(
            when=entry.recorded_at, who=rating.person.name, kind=_("fitness rating"),
            object=f"{rating.subdomain.name} ({rating.round.name})",
            action="created" if entry.change == RatingHistory.Change.CREATED else "changed",
            changes=changes))
    return entries
