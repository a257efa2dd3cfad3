"""
Evidence and reuse: the evidence card of an initiative, and members' changes to it.

The card brings together the money figures of `initiatives.Evidence` (capital and annual cost,
annual savings, lifetime), the outcome measures with baseline and result, lessons, reusable
assets with their licence, "reused by" links, and a channel-shift estimate
(`smartplace.methods.channel_shift`). Reuse links only ever name initiatives the reader may
see: a private initiative elsewhere is left out, and so is its existence. Every read of reuse
links (the card's "reused by" and "reused from", the story's count) goes through
`reuse_visible`, which asks the initiative gate (`Initiative.objects.visible_to`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from smartplace.initiatives.models import Evidence, Initiative
from smartplace.insights.curation import Freshness, initiative_freshness
from smartplace.insights.evidence_rule import initiative_has_evidence
from smartplace.insights.models_evidence import (
    ChannelShift,
    Lesson,
    OutcomeMeasure,
    ReusableAsset,
    Reuse,
)
from smartplace.methods.channel_shift import (
    ADDED_COST,
    ChannelShiftEstimate,
    channel_shift_estimate,
    saving_outcome,
)


def channel_names() -> dict[str, str]:
    """Channel labels for pages, translated."""
    return {"face_to_face": _("face to face"), "phone": _("phone"), "web": _("web")}


def lifetime_net_benefit(evidence: Evidence | None) -> Decimal | None:
    """
    Savings less costs over the initiative's lifetime:
    lifetime × (annual savings − annual cost) − capital cost (a missing cost counts as 0);
    None without annual savings or a lifetime. Not discounted.
    """
    if evidence is None or evidence.annual_savings is None or evidence.lifetime_years is None:
        return None
    annual = evidence.annual_savings - (evidence.annual_cost or Decimal(0))
    return (evidence.lifetime_years * annual - (evidence.capital_cost or Decimal(0))).quantize(
        Decimal("0.01"))


def saving_text(amount: Decimal) -> str:
    """
    A channel-shift amount in words: "£8,470" for a saving (or none), "Added cost £5.36" for a
    negative saving (contacts moved to a dearer channel), never "-£5.36".
    """
    from smartplace.core.jinja2 import money

    if saving_outcome(amount) == ADDED_COST:
        return _("Added cost %(money)s") % {"money": money(-amount)}
    return money(amount)


def channel_shift_text(*, contacts: int, amount: Decimal, initiatives: int | None = None) -> str:
    """
    "1,000 contacts a year moved between channels, saving an estimated £8,470 a year", or
    "…, adding an estimated £5.36 a year to costs" when the moves cost more than they save;
    with "(from 2 initiatives)" when `initiatives` is given. Counts take their plural form.
    """
    from smartplace.core.jinja2 import money

    moved = ngettext("%(num)s contact a year moved between channels",
                     "%(num)s contacts a year moved between channels", contacts) % {
        "num": intcomma(contacts)}
    if saving_outcome(amount) == ADDED_COST:
        effect = _("adding an estimated %(money)s a year to costs") % {"money": money(-amount)}
    else:
        effect = _("saving an estimated %(money)s a year") % {"money": money(amount)}
    text = _("%(moved)s, %(effect)s") % {"moved": moved, "effect": effect}
    if initiatives is not None:
        text += " " + ngettext("(%(num)s initiative)", "(%(num)s initiatives)",
                               initiatives) % {"num": initiatives}
    return text


def years_text(value: Decimal) -> str:
    """
    "1 year", "15 years", "2.5 years": a whole number takes its plural form (ngettext); a
    fraction, which gettext's plural rules do not cover, the general "years" form.
    """
    shown = OutcomeMeasure.display(value)
    if value == value.to_integral_value():
        return ngettext("%(years)s year", "%(years)s years", int(value)) % {"years": shown}
    return _("%(years)s years") % {"years": shown}


def tonnes_text(value: Decimal) -> str:
    """"1 tonne CO2e a year", "120.5 tonnes CO2e a year" (as `years_text`)."""
    shown = OutcomeMeasure.display(value)
    if value == value.to_integral_value():
        return ngettext("%(tonnes)s tonne CO2e a year", "%(tonnes)s tonnes CO2e a year",
                        int(value)) % {"tonnes": shown}
    return _("%(tonnes)s tonnes CO2e a year") % {"tonnes": shown}


@dataclass
class EvidenceCard:
    """Everything the evidence card shows about one initiative."""

    initiative: Initiative
    evidence: Evidence | None
    outcomes: list[OutcomeMeasure] = field(default_factory=list)
    lessons: list[Lesson] = field(default_factory=list)
    assets: list[ReusableAsset] = field(default_factory=list)
    reused_by: list[Reuse] = field(default_factory=list)
    reused_from: list[Reuse] = field(default_factory=list)
    channel_shift: ChannelShift | None = None
    estimate: ChannelShiftEstimate | None = None
    net_benefit: Decimal | None = None

    number = staticmethod(OutcomeMeasure.display)
    years = staticmethod(years_text)
    saving = staticmethod(saving_text)
    tonnes = staticmethod(tonnes_text)

    @property
    def channel_shift_text(self) -> str:
        """The channel shift in words: contacts moved and the saving or the added cost."""
        if self.estimate is None:
            return ""
        return channel_shift_text(contacts=self.estimate.contacts_moved,
                                  amount=self.estimate.annual_saving)

    @property
    def is_empty(self) -> bool:
        return not (self.evidence or self.outcomes or self.lessons or self.assets
                    or self.reused_by or self.reused_from or self.channel_shift)


def reuse_visible(*, user) -> Q:
    """
    A filter on Reuse: the links both of whose initiatives `user` may see
    (`Initiative.objects.visible_to`: public ones, and private ones of the coalitions `user` is
    an active member of). The one rule for the card's "reused by" and "reused from" lists and
    the story's count of reuses; anonymous callers get links between public initiatives only.
    """
    visible = Initiative.objects.visible_to(user).values("pk")
    return Q(original__in=visible, adopted_by__in=visible)


def evidence_card_get(*, initiative: Initiative, user) -> EvidenceCard:
    """The initiative's evidence card; reuse links only to initiatives `user` may see."""
    try:
        evidence = initiative.evidence
    except Initiative.evidence.RelatedObjectDoesNotExist:
        evidence = None
    reuses = Reuse.objects.filter(reuse_visible(user=user))
    shift = ChannelShift.objects.filter(initiative=initiative).first()
    return EvidenceCard(
        initiative=initiative,
        evidence=evidence,
        outcomes=list(OutcomeMeasure.objects.filter(initiative=initiative)),
        lessons=list(Lesson.objects.filter(initiative=initiative)),
        assets=list(ReusableAsset.objects.filter(initiative=initiative)),
        reused_by=list(reuses.filter(original=initiative)
                       .select_related("adopted_by__coalition")
                       .order_by("adopted_by__coalition__name", "adopted_by__title")),
        reused_from=list(reuses.filter(adopted_by=initiative)
                         .select_related("original__coalition")
                         .order_by("original__coalition__name", "original__title")),
        channel_shift=shift,
        estimate=channel_shift_estimate(shift.moves(), shift.costs()) if shift else None,
        net_benefit=lifetime_net_benefit(evidence),
    )


@dataclass
class InitiativeInsights:
    """What the insights app adds to an initiative's page."""

    card: EvidenceCard
    freshness: Freshness
    can_edit: bool

    @property
    def can_confirm(self) -> bool:
        return self.can_edit


def initiative_insights(*, initiative: Initiative, user) -> InitiativeInsights:
    """The evidence card and freshness of an initiative's page, and whether `user` may edit."""
    return InitiativeInsights(
        card=evidence_card_get(initiative=initiative, user=user),
        freshness=initiative_freshness(initiative=initiative),
        can_edit=bool(user.has_perm("initiatives.change_initiative", initiative)),
    )


# --- Writes ------------------------------------------------------------------------------------


def _save(obj: Model) -> Model:
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def evidence_item_add(*, initiative: Initiative, model: type[Model], data: dict) -> Model:
    """Add an outcome measure, lesson or reusable asset to the initiative (validated)."""
    if model not in (OutcomeMeasure, Lesson, ReusableAsset):
        raise ValueError(f"Not an evidence item: {model.__name__}")
    return _save(model(initiative=initiative, **data))


@transaction.atomic
def evidence_item_remove(*, initiative: Initiative, item: Model) -> None:
    """Remove an evidence item (or a reuse link) that belongs to the initiative."""
    owner_ids = {getattr(item, "initiative_id", None), getattr(item, "original_id", None),
                 getattr(item, "adopted_by_id", None)}
    if initiative.pk not in owner_ids:
        raise ValidationError(_("This item does not belong to this initiative."))
    item.delete()


@transaction.atomic
def reuse_record(*, initiative: Initiative, other: Initiative, this_is_original: bool,
                 note: str = "") -> Reuse:
    """
    Record that `other` reused `initiative` (`this_is_original`) or that `initiative` reused
    `other`. Raises ValidationError for the initiative itself or a link already recorded.
    """
    if other.pk == initiative.pk:
        raise ValidationError(_("An initiative cannot reuse itself: choose another initiative"))
    original, adopted = (initiative, other) if this_is_original else (other, initiative)
    if Reuse.objects.filter(original=original, adopted_by=adopted).exists():
        raise ValidationError(_("This reuse is already recorded"))
    return _save(Reuse(original=original, adopted_by=adopted, note=note))


@transaction.atomic
def channel_shift_save(*, initiative: Initiative, data: dict) -> ChannelShift:
    """Create or change the initiative's channel shift (validated)."""
    shift = ChannelShift.objects.filter(initiative=initiative).first() or ChannelShift(
        initiative=initiative)
    for name, value in data.items():
        setattr(shift, name, value)
    return _save(shift)


@transaction.atomic
def evidence_figures_save(*, initiative: Initiative, data: dict) -> Evidence:
    """Create or change the initiative's money figures (`initiatives.Evidence`, validated)."""
    evidence = Evidence.objects.filter(initiative=initiative).first() or Evidence(
        initiative=initiative)
    for name, value in data.items():
        setattr(evidence, name, value)
    return _save(evidence)


# --- The story ---------------------------------------------------------------------------------


@dataclass
class WhatWorked:
    """Totals of the public evidence of a coalition."""

    initiatives_with_evidence: int
    annual_savings: Decimal
    annual_savings_count: int
    capital_cost: Decimal
    annual_cost: Decimal
    channel_shift_saving: Decimal
    channel_shift_count: int
    contacts_moved: int
    outcomes: int
    lessons: int
    assets: int
    reuses: int
    examples: list[EvidenceCard]

    @property
    def channel_shift_outcome(self) -> str:
        """`saving`, `added_cost` or `no_change` (`methods.channel_shift.saving_outcome`)."""
        return saving_outcome(self.channel_shift_saving)

    @property
    def channel_shift_text(self) -> str:
        """The channel shift of the coalition's public initiatives in words."""
        return channel_shift_text(contacts=self.contacts_moved, amount=self.channel_shift_saving,
                                  initiatives=self.channel_shift_count)


def coalition_what_worked(*, coalition, examples: int = 5) -> WhatWorked:
    """
    Evidence of what worked, from public initiatives only: how many have evidence
    (`evidence_rule.initiative_has_evidence`), recorded annual savings, capital
    and annual costs, channel-shift savings (estimated at each initiative's own costs per
    contact), and counts of outcomes, lessons, reusable assets and reuses by public initiatives
    (`reuse_visible` for someone not signed in).
    `examples`: the initiatives with the largest recorded annual savings, with their cards.
    """
    public = Initiative.objects.public().filter(coalition=coalition)
    evidence = list(Evidence.objects.filter(initiative__in=public).select_related(
        "initiative__coalition"))
    shifts = list(ChannelShift.objects.filter(initiative__in=public))
    estimates = [channel_shift_estimate(s.moves(), s.costs()) for s in shifts]
    ids = public.values("pk")
    savings = [e.annual_savings for e in evidence if e.annual_savings is not None]
    ranked = sorted((e for e in evidence if e.annual_savings is not None),
                    key=lambda e: (-e.annual_savings, e.initiative.title))[:examples]
    anonymous = AnonymousUser()
    return WhatWorked(
        initiatives_with_evidence=public.filter(initiative_has_evidence()).count(),
        annual_savings=sum(savings, Decimal("0.00")),
        annual_savings_count=len(savings),
        capital_cost=sum((e.capital_cost for e in evidence if e.capital_cost is not None),
                         Decimal("0.00")),
        annual_cost=sum((e.annual_cost for e in evidence if e.annual_cost is not None),
                        Decimal("0.00")),
        channel_shift_saving=sum((e.annual_saving for e in estimates), Decimal("0.00")),
        channel_shift_count=len(shifts),
        contacts_moved=sum(e.contacts_moved for e in estimates),
        outcomes=OutcomeMeasure.objects.filter(initiative__in=ids).count(),
        lessons=Lesson.objects.filter(initiative__in=ids).count(),
        assets=ReusableAsset.objects.filter(initiative__in=ids).count(),
        reuses=Reuse.objects.filter(reuse_visible(user=anonymous),
                                    original__coalition=coalition).count(),
        examples=[evidence_card_get(initiative=e.initiative, user=anonymous) for e in ranked],
    )
