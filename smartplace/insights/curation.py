"""
Curation: spotting initiatives whose records may be out of date, and asking their owners.

An initiative is **fresh** from its last change (`updated_at`) or its last "still current"
confirmation (`InitiativeConfirmation`), whichever is later. One that has been fresh for longer
than `SMARTPLACE_STALE_AFTER_DAYS` days (default 180) is **possibly stale**. Finished
initiatives (completed or stopped) are a historical record and are never flagged.

The digest goes to each initiative's owners (the person who recorded it, and active members of
the coalition who belong to its lead organisation) and to the coalition's coordinators, one
email per person listing their stale initiatives with links (`stale_digests_send`, run by the
`send_stale_digests` background task).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from smartplace.coalitions.models import Coalition
from smartplace.initiatives.models import Initiative
from smartplace.insights.models_curation import InitiativeConfirmation
from smartplace.people.models import Membership, Person

FINISHED = [Initiative.Status.COMPLETED, Initiative.Status.STOPPED]


def stale_after_days() -> int:
    """How many days without a change or confirmation make an initiative possibly stale."""
    return int(getattr(settings, "SMARTPLACE_STALE_AFTER_DAYS", 180))


def stale_cutoff(*, now: datetime | None = None) -> datetime:
    """The moment before which an initiative's freshness makes it possibly stale."""
    return (now or timezone.now()) - timedelta(days=stale_after_days())


def initiative_list_with_freshness(queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """`queryset` annotated `last_confirmed_at` and `fresh_at` (the later of it and updated_at)."""
    latest = (InitiativeConfirmation.objects.filter(initiative=OuterRef("pk"))
              .order_by("-confirmed_at").values("confirmed_at")[:1])
    return queryset.annotate(
        last_confirmed_at=Subquery(latest),
    ).annotate(
        fresh_at=Greatest("updated_at", Coalesce("last_confirmed_at", "updated_at")),
    )


def initiative_list_stale(*, coalition: Coalition | None = None, user=None,
                          now: datetime | None = None) -> QuerySet[Initiative]:
    """
    Unfinished initiatives (of `coalition`, or all; those `user` may see, or all when `user`
    is None) neither changed nor confirmed since the cut-off, least fresh first.
    """
    queryset = (Initiative.objects.all() if user is None
                else Initiative.objects.visible_to(user))
    if coalition is not None:
        queryset = queryset.filter(coalition=coalition)
    queryset = queryset.exclude(status__in=FINISHED).select_related(
        "coalition", "lead_organisation", "created_by")
    return (initiative_list_with_freshness(queryset)
            .filter(fresh_at__lt=stale_cutoff(now=now)).order_by("fresh_at", "title", "pk"))


@dataclass(frozen=True)
class Freshness:
    """How fresh one initiative's record is."""

    fresh_at: datetime
    last_confirmed_at: datetime | None
    last_confirmed_by: Person | None
    is_stale: bool
    days: int
    stale_after_days: int


def initiative_freshness(*, initiative: Initiative, now: datetime | None = None) -> Freshness:
    """The initiative's freshness and whether it is possibly stale (two queries at most)."""
    now = now or timezone.now()
    confirmation = (InitiativeConfirmation.objects.filter(initiative=initiative)
                    .select_related("confirmed_by").first())
    confirmed_at = confirmation.confirmed_at if confirmation else None
    fresh_at = max(filter(None, [initiative.updated_at, confirmed_at]))
    limit = stale_after_days()
    return Freshness(
        fresh_at=fresh_at, last_confirmed_at=confirmed_at,
        last_confirmed_by=confirmation.confirmed_by if confirmation else None,
        is_stale=initiative.status not in FINISHED and fresh_at < now - timedelta(days=limit),
        days=(now - fresh_at).days, stale_after_days=limit,
    )


@transaction.atomic
def initiative_confirm_current(*, initiative: Initiative, person: Person | None,
                               now: datetime | None = None) -> InitiativeConfirmation:
    """Record that `person` confirmed the initiative's record is still current."""
    return InitiativeConfirmation.objects.create(
        initiative=initiative, confirmed_by=person, confirmed_at=now or timezone.now())


# --- The digest --------------------------------------------------------------------------------


@dataclass
class Digest:
    """One email: a person and the stale initiatives they are told about, by coalition."""

    person: Person
    email: str
    initiatives: dict[Coalition, list[Initiative]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(items) for items in self.initiatives.values())


def stale_digest_list(*, now: datetime | None = None) -> list[Digest]:
    """
    Who is told about which stale initiatives: per person with an email address and an active
    account, their own initiatives (recorded by them, or led by their organisation in a
    coalition where they are an active member) and, for coordinators, all of the coalition's.
    """
    stale = list(initiative_list_stale(now=now))
    if not stale:
        return []
    coalition_ids = {i.coalition_id for i in stale}
    memberships = list(
        Membership.objects.filter(coalition_id__in=coalition_ids,
                                  status=Membership.Status.ACTIVE)
        .select_related("person__user")
    )
    coordinators = defaultdict(list)
    by_organisation = defaultdict(list)
    for membership in memberships:
        if membership.role == Membership.Role.COORDINATOR:
            coordinators[membership.coalition_id].append(membership.person)
        if membership.organisation_id:
            by_organisation[(membership.coalition_id, membership.organisation_id)].append(
                membership.person)
    creators = {p.pk: p for p in Person.objects.filter(
        pk__in={i.created_by_id for i in stale if i.created_by_id}).select_related("user")}
    digests: dict[int, Digest] = {}
    for initiative in stale:
        people = list(coordinators[initiative.coalition_id])
        if initiative.created_by_id in creators:
            people.append(creators[initiative.created_by_id])
        if initiative.lead_organisation_id:
            people += by_organisation[(initiative.coalition_id, initiative.lead_organisation_id)]
        for person in people:
            user = person.user
            if user is None or not user.is_active or not user.email:
                continue
            digest = digests.setdefault(person.pk, Digest(person=person, email=user.email))
            items = digest.initiatives.setdefault(initiative.coalition, [])
            if initiative not in items:
                items.append(initiative)
    return sorted(digests.values(), key=lambda d: (d.email, d.person.pk))


def _digest_text(digest: Digest, *, base_url: str, now: datetime) -> tuple[str, str]:
    subject = ngettext(
        "%(count)s initiative may be out of date",
        "%(count)s initiatives may be out of date", digest.count) % {"count": digest.count}
    lines = [
        _("Hello %(name)s,") % {"name": digest.person.name}, "",
        _("These initiatives have not been changed or confirmed as current for more than "
          "%(days)s days. Please check each one: edit it if something has changed, or press "
          "“Still current” on its page if it has not.") % {"days": stale_after_days()},
    ]
    for coalition, initiatives in sorted(digest.initiatives.items(),
                                         key=lambda item: item[0].name):
        lines += ["", coalition.name, "-" * min(len(coalition.name), 70)]
        for initiative in initiatives:
            fresh = initiative.fresh_at
            days = (now - fresh).days
            lines.append(ngettext("- %(title)s (last changed or confirmed %(days)s day ago)",
                                  "- %(title)s (last changed or confirmed %(days)s days ago)",
                                  days) % {"title": initiative.title, "days": days})
            lines.append(f"  {base_url}{initiative.get_absolute_url()}")
        lines.append(_("All of %(coalition)s’s initiatives to check: %(url)s") % {
            "coalition": coalition.name,
            "url": base_url + reverse("insights:curation", kwargs={"slug": coalition.slug})})
    lines += ["", _("You get this email because you recorded, lead or coordinate these "
                    "initiatives."), settings.SMARTPLACE_SITE_NAME]
    return subject, "\n".join(lines)


def stale_digests_send(*, base_url: str | None = None, now: datetime | None = None) -> int:
    """
    Email every digest of `stale_digest_list` through Django's default mailer; returns how many
    emails were sent. Links start with `base_url` (default `SMARTPLACE_BASE_URL`).
    """
    now = now or timezone.now()
    base = (base_url or settings.SMARTPLACE_BASE_URL).rstrip("/")
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for digest in stale_digest_list(now=now):
            subject, body = _digest_text(digest, base_url=base, now=now)
            message = EmailMultiAlternatives(subject=subject, body=body,
                                             from_email=settings.DEFAULT_FROM_EMAIL,
                                             to=[digest.email])
            sent += message.send()
    return sent


def coalition_stale_list(*, coalition: Coalition, user) -> list[Initiative]:
    """The coalition's possibly stale initiatives that `user` may see, least fresh first."""
    return list(initiative_list_stale(coalition=coalition, user=user))



# --- Demo --------------------------------------------------------------------------------

#: Demo initiatives (external_id) whose records the demo leaves untouched for a long time, so
#: that the curation page, the "possibly out of date" warning and the digest have something
#: to show. One is private, so members see the tag.
DEMO_STALE = ["demo-cycle-counters", "demo-tech-buddies", "demo-lorawan",
              "demo-shared-care-record"]
#: How long ago the demo says they were last changed.
DEMO_STALE_DAYS = 400


@transaction.atomic
def curation_load_demo(*, coalition: Coalition, now: datetime | None = None) -> int:
    """
    Make the demo initiatives in `DEMO_STALE` last changed `DEMO_STALE_DAYS` ago, with no
    "still current" confirmation, so they are flagged as possibly out of date. Safe to run
    again (it brings them back to that state). Returns how many it flagged.
    """
    when = (now or timezone.now()) - timedelta(days=DEMO_STALE_DAYS)
    initiatives = Initiative.objects.filter(coalition=coalition, external_id__in=DEMO_STALE,
                                            status__in=[Initiative.Status.ACTIVE,
                                                        Initiative.Status.PLANNED,
                                                        Initiative.Status.IDEA])
    InitiativeConfirmation.objects.filter(initiative__in=initiatives).delete()
    # update() leaves updated_at alone (auto_now applies to save()) and sends no signal.
    return initiatives.update(updated_at=when)
