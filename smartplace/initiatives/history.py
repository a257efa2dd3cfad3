"""
The audit history of initiatives, with their partners, people, sub-domains and links.

django-simple-history records each save of an initiative (registered in accounts/models.py).
Each historical row also carries `related`: the ids of the initiative's partners, people and
sub-domains and its links ([address, title]) at that moment, so the audit page can say what
was added and removed (`accounts.audit.audit_entries`). A row made by a plain `save()` gets
them from the database (`related_fill`, a receiver of simple-history's
pre_create_historical_record signal).

A form, API or admin write changes the row and then its relations, step by step; to record the
result once, with who did it, the writer saves inside `history_paused(initiative)` and then
calls `history_record`. Imports write in bulk and call `history_record_bulk` (for evidence
too). Deleting an organisation, person or sub-domain changes the initiatives linked to it
without saving them (the database drops the links, or empties the lead organisation or
"created by"): `unlinking_noted` and `unlinking_recorded` (pre_delete and post_delete
receivers, connected in apps.py) record those initiatives as they are after the delete.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from simple_history.models import HistoricalRecords

from smartplace.initiatives.models import Evidence, Initiative, InitiativeLink

#: The many-to-many relations recorded, with the column of the other side in the through table.
RELATIONS = {"partners": "organisation_id", "people": "person_id",
             "subdomains": "subdomain_id"}
BATCH_SIZE = 500
#: What deleting one of these changes in the initiatives linked to it: the relation it leaves,
#: and the initiative's own fields set to empty.
ON_DELETE = {"organisations.Organisation": ("partners", ("lead_organisation",)),
             "people.Person": ("people", ("created_by",)),
             "frameworks.SubDomain": ("subdomains", ())}


def related_snapshots(*, initiative_ids: Iterable[int]) -> dict[int, dict[str, list]]:
    """
    {initiative id: {"partners": [ids], "people": [ids], "subdomains": [ids],
    "links": [[address, title]]}}: ids ascending, links in their order. Four queries for each
    500 initiatives.
    """
    ids = list(dict.fromkeys(initiative_ids))
    out: dict[int, dict[str, list]] = {
        pk: {**{name: [] for name in RELATIONS}, "links": []} for pk in ids}
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start:start + BATCH_SIZE]
        for name, column in RELATIONS.items():
            through = getattr(Initiative, name).through
            rows = (through.objects.filter(initiative_id__in=batch)
                    .order_by("initiative_id", column).values_list("initiative_id", column))
            for initiative_id, value in rows:
                out[initiative_id][name].append(value)
        links = (InitiativeLink.objects.filter(initiative_id__in=batch)
                 .order_by("initiative_id", "id").values_list("initiative_id", "url", "title"))
        for initiative_id, url, title in links:
            out[initiative_id]["links"].append([url, title])
    return out


def related_fill(sender, instance, history_instance, **kwargs) -> None:
    """Give a historical row made by a plain save the initiative's relations as they are."""
    if not history_instance.related and instance.pk is not None:
        history_instance.related = related_snapshots(initiative_ids=[instance.pk])[instance.pk]


@contextmanager
def history_paused(initiative: Initiative) -> Iterator[Initiative]:
    """Within the block, saving `initiative` makes no historical row (call history_record)."""
    initiative.skip_history_when_saving = True
    try:
        yield initiative
    finally:
        del initiative.skip_history_when_saving


def _user(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.is_authenticated else None


def history_record(*, initiative: Initiative, created: bool,
                   user: AbstractBaseUser | None) -> None:
    """One historical row for `initiative` as it is now, relations included, made by `user`."""
    Initiative.history.bulk_history_create(
        [initiative], update=not created, default_user=_user(user),
        custom_historical_attrs={
            "related": related_snapshots(initiative_ids=[initiative.pk])[initiative.pk]})


def history_record_bulk(*, created_ids: Iterable[int], changed_ids: Iterable[int],
                        evidence_created_ids: Iterable[int] = (),
                        evidence_changed_ids: Iterable[int] = (),
                        user: AbstractBaseUser | None = None) -> None:
    """
    Historical rows for what was written in bulk, as it is now in the database: the
    initiatives added (`created_ids`) or changed (`changed_ids`), relations included, and the
    evidence added or changed (given by their initiatives' ids); initiatives no longer there
    are skipped. Made by `user`, or by no one (the audit says "an import or command").
    """
    created_ids, changed_ids = list(created_ids), list(changed_ids)
    snapshots = related_snapshots(initiative_ids=created_ids + changed_ids)
    now = timezone.now()
    for model, history_type, ids, key in (
            (Initiative, "+", created_ids, "pk"), (Initiative, "~", changed_ids, "pk"),
            (Evidence, "+", evidence_created_ids, "initiative_id"),
            (Evidence, "~", evidence_changed_ids, "initiative_id")):
        historical = model.history.model
        fields = [field.attname for field in historical.tracked_fields]
        ids = list(ids)
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start:start + BATCH_SIZE]
            rows = model.objects.filter(**{f"{key}__in": batch}).order_by("pk").values(*fields)
            historical.objects.bulk_create([
                historical(history_date=now, history_type=history_type,
                           history_user=_user(user),
                           **({"related": snapshots[values["id"]]} if model is Initiative
                              else {}), **values)
                for values in rows])


def unlinking_noted(sender, instance, **kwargs) -> None:
    """pre_delete: note which initiatives the organisation, person or sub-domain is in."""
    relation, fields = ON_DELETE[sender._meta.label]
    through = getattr(Initiative, relation).through
    ids = set(through.objects.filter(**{RELATIONS[relation]: instance.pk})
              .values_list("initiative_id", flat=True))
    for name in fields:
        ids.update(Initiative.objects.filter(**{name: instance.pk}).values_list("pk", flat=True))
    instance._initiatives_unlinked = sorted(ids)


def unlinking_recorded(sender, instance, **kwargs) -> None:
    """post_delete: record those initiatives as they are now, by the request's user if any."""
    ids = getattr(instance, "_initiatives_unlinked", None)
    if ids:
        request = getattr(HistoricalRecords.context, "request", None)
        history_record_bulk(created_ids=[], changed_ids=ids,
                            user=getattr(request, "user", None))
