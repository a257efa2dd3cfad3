"""
Writes about initiatives: adding and changing one from the members' form.

`data` is the form's cleaned data: title, description, status, start_date, end_date,
lead_organisation, partners, people, subdomains, smart_questions (the smart questions it
helps to answer; `insights.questions`), links (a list of (address, title)) and visibility.
Each write is atomic and recorded in the admin's history of the initiative, and once in the
audit history (with its relations: `initiatives.history`) with who made it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from smartplace.coalitions.models import Coalition
from smartplace.core.models import Visibility
from smartplace.initiatives.history import history_paused, history_record
from smartplace.initiatives.models import Initiative, InitiativeLink
from smartplace.insights.questions import question_answers_check, question_answers_set
from smartplace.people.services import log_change, person_get_or_create_for_user

# Words that would clash with the addresses of pages about initiatives.
RESERVED_SLUGS = frozenset({"add", "edit", "delete", "new", "import", "export", "search"})
SLUG_MAX = Initiative._meta.get_field("slug").max_length
FIELDS = ("title", "description", "status", "start_date", "end_date", "lead_organisation",
          "visibility")
RELATED = ("partners", "people", "subdomains")


def initiative_slug(*, coalition: Coalition, title: str, exclude_pk: int | None = None) -> str:
    """
    A slug for `title` that no other initiative of the coalition has and that is not a
    reserved word ("add", "edit"): "ambridge-wi-fi", then "ambridge-wi-fi-2", and so on.
    """
    base = slugify(title)[: SLUG_MAX - 6].strip("-") or "initiative"
    taken = set(
        Initiative.objects.filter(coalition=coalition, slug__startswith=base)
        .exclude(pk=exclude_pk).values_list("slug", flat=True)
    ) | RESERVED_SLUGS
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _check_related(*, coalition: Coalition, data: Mapping[str, Any],
                   initiative: Initiative | None) -> None:
    """
    Sub-domains must come from the coalition's framework (or be ones it already had); smart
    questions too, and not declined (unless it already answered them).
    """
    if data.get("smart_questions") is not None:
        question_answers_check(coalition=coalition, questions=data["smart_questions"],
                               initiative=initiative)
    subdomains = data.get("subdomains")
    if subdomains is None:
        return
    allowed_framework = coalition.framework_id
    kept = set(initiative.subdomains.values_list("pk", flat=True)) if initiative else set()
    stray = [s for s in subdomains
             if s.domain.framework_id != allowed_framework and s.pk not in kept]
    if stray:
        raise ValidationError(
            {"subdomains": _("Select sub-domains from the coalition's framework")})


def _apply(initiative: Initiative, data: Mapping[str, Any]) -> None:
    for name in FIELDS:
        if name in data:
            value = data[name]
            if name in ("title", "description"):
                value = (value or "").strip()
            setattr(initiative, name, value)
    start, end = initiative.start_date, initiative.end_date
    if start and end and end < start:
        raise ValidationError(
            {"end_date": _("End date must be the same as or after the start date")})


def _save_related(initiative: Initiative, data: Mapping[str, Any],
                  user: AbstractBaseUser | None = None) -> None:
    for name in RELATED:
        if name in data and data[name] is not None:
            getattr(initiative, name).set(data[name])
    if data.get("smart_questions") is not None:
        question_answers_set(initiative=initiative, questions=data["smart_questions"],
                             user=user)
    links = data.get("links")
    if links is not None and [(link.url, link.title) for link in initiative.links.all()] != [
            tuple(link) for link in links]:
        initiative.links.all().delete()
        InitiativeLink.objects.bulk_create(
            [InitiativeLink(initiative=initiative, url=url, title=title)
             for url, title in links]
        )


def initiative_create(*, coalition: Coalition, data: Mapping[str, Any],
                      created_by: AbstractBaseUser | None) -> Initiative:
    """
    Add an initiative to `coalition` from the form's data; public unless data says otherwise.

    The slug comes from the title, unique in the coalition and never a reserved word; if
    another initiative takes it at the same moment, the next free one is used. Raises
    ValidationError when the data breaks the model's rules (for example an end before the
    start), and then nothing is saved.
    """
    for _attempt in range(5):
        try:
            with transaction.atomic():
                initiative = Initiative(coalition=coalition, visibility=Visibility.PUBLIC)
                _apply(initiative, data)
                _check_related(coalition=coalition, data=data, initiative=None)
                initiative.slug = initiative_slug(coalition=coalition, title=initiative.title)
                if created_by is not None and created_by.is_authenticated:
                    initiative.created_by = person_get_or_create_for_user(user=created_by)
                initiative.full_clean(validate_unique=False, validate_constraints=True)
                with history_paused(initiative):
                    initiative.save()
                    _save_related(initiative, data, created_by)
                history_record(initiative=initiative, created=True, user=created_by)
                log_change(user=created_by, obj=initiative, added=True,
                           message="Added with the members' form.")
                return initiative
        except IntegrityError:
            if not Initiative.objects.filter(coalition=coalition,
                                             slug=initiative.slug).exists():
                raise
    raise IntegrityError("Could not find a free slug for the initiative.")


@transaction.atomic
def initiative_update(*, initiative: Initiative, data: Mapping[str, Any],
                      updated_by: AbstractBaseUser | None) -> Initiative:
    """
    Change an initiative from the form's data. Only the keys present in `data` change.

    The slug (and so the initiative's address) stays the same when the title changes. Links
    are replaced by those in data. Raises ValidationError when the data breaks the model's
    rules, and then nothing is saved.
    """
    initiative = Initiative.objects.select_for_update(of=("self",)).get(pk=initiative.pk)
    _apply(initiative, data)
    _check_related(coalition=initiative.coalition, data=data, initiative=initiative)
    initiative.full_clean(validate_unique=False, validate_constraints=True)
    with history_paused(initiative):
        initiative.save()
        _save_related(initiative, data, updated_by)
    history_record(initiative=initiative, created=False, user=updated_by)
    log_change(user=updated_by, obj=initiative, message="Changed with the members' form.")
    return initiative
