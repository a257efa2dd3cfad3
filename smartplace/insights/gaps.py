"""
Gaps: where a coalition's activity is thin (docs/insights-gaps.md).

For each sub-domain of the coalition's framework, `gaps_for_coalition` counts the active
initiatives, the active initiatives involving each sector (as lead or partner), the
organisations involved, the initiatives with evidence (`evidence_rule`), the consolidated
fitness of the latest closed round, and the smart questions of its domain that no initiative
answers. The **opportunities** are the sub-domains flagged by at least one part of
`GapRule`, most flags first. Counts follow the privacy rule: a user counts only the
initiatives they may see (`Initiative.objects.visible_to`), so the public counts public
initiatives only.

`insights_load_demo` links a few demo initiatives to the demo's smart questions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from smartplace.coalitions.models import Coalition
from smartplace.frameworks.models import Domain, FitnessLevel, SmartQuestion, SubDomain
from smartplace.initiatives.models import Initiative
from smartplace.insights.evidence_rule import initiative_has_evidence
from smartplace.insights.models_gaps import QuestionAnswer
from smartplace.organisations.models import Sector

SubDomainLink = Initiative.subdomains.through
PartnerLink = Initiative.partners.through
ACTIVE = Initiative.Status.ACTIVE

LOW_FITNESS = "low_fitness"
LITTLE_ACTIVITY = "little_activity"
FEW_SECTORS = "few_sectors"
UNANSWERED_QUESTIONS = "unanswered_questions"
FLAGS = [LOW_FITNESS, LITTLE_ACTIVITY, FEW_SECTORS, UNANSWERED_QUESTIONS]


@dataclass(frozen=True)
class GapRule:
    """
    When a sub-domain is an opportunity. Each part is a flag; a sub-domain with any flag is
    listed, most flags first, then fewest active initiatives, then lowest fitness.

    - low fitness: the latest closed round's consolidated median is at most
      `low_fitness_up_to` (1: the lowest level of the scale; the words name that level as the
      scale does). Sub-domains without published figures are not flagged: there is no rating
      to go on.
    - little activity: fewer than `active_below` active initiatives.
    - few sectors: the active initiatives involve organisations of fewer than `sectors_below`
      sectors (as lead or partner).
    - unanswered questions: its domain has a smart question that no initiative answers.
    """

    low_fitness_up_to: int = 1
    active_below: int = 2
    sectors_below: int = 2

    def low_fitness_text(self, level_names: Sequence[str] = ()) -> str:
        """The low-fitness part in words, naming the threshold's level of the scale."""
        level = self.low_fitness_up_to
        name = level_names[level - 1] if 1 <= level <= len(level_names) else ""
        values = {"level": level, "name": name}
        if level <= 1:
            if name:
                return str(_("Low fitness: the latest closed round’s consolidated median is "
                             "level %(level)s (%(name)s), the lowest level of the scale.")
                           % values)
            return str(_("Low fitness: the latest closed round’s consolidated median is "
                         "level %(level)s, the lowest level of the scale.") % values)
        if name:
            return str(_("Low fitness: the latest closed round’s consolidated median is "
                         "level %(level)s (%(name)s) or below.") % values)
        return str(_("Low fitness: the latest closed round’s consolidated median is "
                     "level %(level)s or below.") % values)

    def describe(self, level_names: Sequence[str] = ()) -> list[tuple[str, str]]:
        """
        Each part of the rule in words, for the page and the twins. `level_names`: the scale,
        lowest first, so that the low-fitness part names its threshold's level.
        """
        return [
            (LOW_FITNESS, self.low_fitness_text(level_names)),
            (LITTLE_ACTIVITY, ngettext("Little activity: fewer than %(n)s active initiative.",
                                       "Little activity: fewer than %(n)s active initiatives.",
                                       self.active_below) % {"n": self.active_below}),
            (FEW_SECTORS, ngettext("Few sectors involved: the active initiatives involve "
                                   "organisations of fewer than %(n)s sector, as lead or "
                                   "partner.",
                                   "Few sectors involved: the active initiatives involve "
                                   "organisations of fewer than %(n)s sectors, as lead or "
                                   "partner.", self.sectors_below) % {"n": self.sectors_below}),
            (UNANSWERED_QUESTIONS, str(_("Unanswered smart questions: its domain has a smart "
                                         "question that no initiative answers."))),
        ]


RULE = GapRule()

#: Why a sub-domain has, or has no, fitness figure (`GapRow.fitness_status`), in the order
#: they are decided: the first that applies.
FITNESS_PUBLISHED = "published"
FITNESS_WITHHELD = "withheld"
FITNESS_PENDING = "pending"
FITNESS_NOT_IN_LATEST = "not_in_latest"
FITNESS_NO_ROUND = "no_round"

FITNESS_LABELS = {
    FITNESS_WITHHELD: _("Not published: too few ratings"),
    FITNESS_PENDING: _("Not published yet"),
    FITNESS_NOT_IN_LATEST: _("Not in the latest round"),
    FITNESS_NO_ROUND: _("No round yet"),
}

FLAG_LABELS = {
    LOW_FITNESS: _("Low fitness"),
    LITTLE_ACTIVITY: _("Little activity"),
    FEW_SECTORS: _("Few sectors"),
    UNANSWERED_QUESTIONS: _("Unanswered questions"),
}


@dataclass
class GapRow:
    """One sub-domain's figures and flags."""

    domain: Domain
    subdomain: SubDomain
    active: int = 0
    by_sector: dict[str, int] = field(default_factory=dict)
    organisations: int = 0
    evidence: int = 0
    fitness: int | None = None
    fitness_name: str = ""
    fitness_status: str = FITNESS_NO_ROUND
    questions: int = 0
    unanswered: int = 0
    flags: list[str] = field(default_factory=list)

    @property
    def sectors(self) -> int:
        return sum(1 for n in self.by_sector.values() if n)

    @property
    def fitness_label(self) -> str:
        """Why there is no fitness figure, in words ("" when there is one)."""
        return str(FITNESS_LABELS.get(self.fitness_status, ""))

    @property
    def key(self) -> str:
        return f"{self.domain.slug}/{self.subdomain.slug}"

    def as_dict(self) -> dict[str, Any]:
        row = {
            "domain_slug": self.domain.slug, "domain_name": self.domain.name,
            "subdomain_slug": self.subdomain.slug, "subdomain_name": self.subdomain.name,
            "active_initiatives": self.active, "organisations": self.organisations,
            "sectors": self.sectors, "evidence_recorded": self.evidence,
            "fitness_median": self.fitness, "fitness_name": self.fitness_name or None,
            "fitness_status": self.fitness_status,
            "smart_questions": self.questions, "unanswered_questions": self.unanswered,
            "flags": list(self.flags), "flag_count": len(self.flags),
        }
        for sector in Sector.values:
            row[f"active_{sector}"] = self.by_sector.get(sector, 0)
        return row


#: Columns of the gaps twins, in order.
GAP_COLUMNS = [
    "domain_slug", "domain_name", "subdomain_slug", "subdomain_name", "active_initiatives",
    *[f"active_{sector}" for sector in Sector.values], "organisations", "sectors",
    "evidence_recorded", "fitness_median", "fitness_name", "fitness_status", "smart_questions",
    "unanswered_questions", "flags", "flag_count",
]


@dataclass
class GapsReport:
    """A coalition's heat-map rows, its opportunities, and where the fitness came from."""

    coalition: Coalition
    rows: list[GapRow]
    rule: GapRule = RULE
    round: Any = None
    max_cell: int = 0
    #: The coalition's fitness scale (FitnessLevel), lowest first.
    levels: list = field(default_factory=list)

    def describe_rule(self) -> list[tuple[str, str]]:
        """The rule in words, its low-fitness part naming the level (in the page's language)."""
        from smartplace.core.jinja2 import localised

        return self.rule.describe([localised(level, "name") for level in self.levels])

    @property
    def opportunities(self) -> list[GapRow]:
        flagged = [row for row in self.rows if row.flags]
        return sorted(flagged, key=lambda r: (-len(r.flags), r.active,
                                              r.fitness if r.fitness is not None else 99))

    @property
    def domains(self) -> list[tuple[Domain, list[GapRow]]]:
        grouped: dict[int, tuple[Domain, list[GapRow]]] = {}
        for row in self.rows:
            grouped.setdefault(row.domain.pk, (row.domain, []))[1].append(row)
        return list(grouped.values())

    def flagged_by(self, flag: str) -> list[GapRow]:
        return [row for row in self.rows if flag in row.flags]


@dataclass
class _Fitness:
    """The latest closed round, its published medians and withheld items by item key, and
    the domains (ids) rated in any round and in rounds not closed yet."""

    round: Any = None
    medians: dict[str, tuple[int, str]] = field(default_factory=dict)
    withheld: set[str] = field(default_factory=set)
    rated_domains: set[int] = field(default_factory=set)
    pending_domains: set[int] = field(default_factory=set)

    def status(self, row: GapRow) -> str:
        """
        Why `row` has (or has not) a fitness figure. Rounds are public (the rounds page lists
        every round, scheduled and open ones included, and the API gives their domains), so
        naming a round in progress leaks nothing: the labels are the same for everyone.
        """
        if row.key in self.medians:
            return FITNESS_PUBLISHED
        if row.key in self.withheld:
            return FITNESS_WITHHELD
        if row.domain.pk in self.pending_domains:
            return FITNESS_PENDING
        if row.domain.pk in self.rated_domains:
            return FITNESS_NOT_IN_LATEST
        return FITNESS_NO_ROUND


def _latest_fitness(coalition: Coalition) -> _Fitness:
    """The coalition's fitness figures (see `_Fitness`): two queries, and the latest closed
    round's result (stored when it is first read)."""
    from smartplace.rounds.models import Round
    from smartplace.rounds.selectors import round_published_result

    fitness = _Fitness()
    now = timezone.now()
    for closed_at, closes_at, domain_id in (Round.domains.through.objects
                                            .filter(round__coalition=coalition)
                                            .values_list("round__closed_at",
                                                         "round__closes_at", "domain_id")):
        fitness.rated_domains.add(domain_id)
        if closed_at is None and closes_at > now:
            fitness.pending_domains.add(domain_id)
    latest = (Round.objects.closed(now=now).filter(coalition=coalition)
              .order_by("-closes_at", "-pk").first())
    if latest is None:
        return fitness
    fitness.round = latest
    result = round_published_result(round_=latest) or {}
    document = result.get("document") or {}
    names = (document.get("method") or {}).get("level_names") or []
    for item in document.get("items", []):
        median = (item.get("statistics") or {}).get("median")
        if item.get("published") and median:
            fitness.medians[item["item"]] = (
                median, names[median - 1] if median <= len(names) else "")
        else:
            fitness.withheld.add(item["item"])
    return fitness


def gaps_for_coalition(*, coalition: Coalition, user, rule: GapRule = RULE) -> GapsReport:
    """
    The gaps of `coalition` as `user` may see them (see the module docstring). A fixed number
    of queries whatever the size of the coalition; an empty report when it has no framework.
    """
    if coalition.framework_id is None:
        return GapsReport(coalition=coalition, rows=[], rule=rule)
    subdomains = list(SubDomain.objects.filter(domain__framework_id=coalition.framework_id)
                      .select_related("domain")
                      .order_by("domain__position", "domain__name", "position", "name"))
    visible = Initiative.objects.visible_to(user).filter(coalition=coalition).values("pk")
    links = list(SubDomainLink.objects.filter(
        initiative__in=visible, subdomain__domain__framework_id=coalition.framework_id,
    ).values_list("subdomain_id", "initiative_id", "initiative__status",
                  "initiative__lead_organisation_id", "initiative__lead_organisation__sector"))
    with_evidence = set(Initiative.objects.filter(initiative_has_evidence(), pk__in=visible)
                        .values_list("pk", flat=True))
    active_ids = {initiative for _s, initiative, status, *_rest in links if status == ACTIVE}
    partners: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for initiative, organisation, sector in PartnerLink.objects.filter(
            initiative__in=list(active_ids)).values_list(
            "initiative_id", "organisation_id", "organisation__sector"):
        partners[initiative].append((organisation, sector))
    # Declined questions are not the domain's challenges: nothing is a gap for want of them.
    questions = list(SmartQuestion.objects.filter(domain__framework_id=coalition.framework_id)
                     .exclude(status=SmartQuestion.Status.DECLINED)
                     .annotate(answered=Count("answers", filter=Q(
                         answers__initiative__in=visible)))
                     .values_list("domain_id", "answered"))
    per_domain: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for domain_id, answered in questions:
        per_domain[domain_id][0] += 1
        per_domain[domain_id][1] += 0 if answered else 1
    fitness_of = _latest_fitness(coalition)
    levels = list(FitnessLevel.objects.filter(framework_id=coalition.framework_id)
                  .order_by("position"))

    rows = {s.pk: GapRow(domain=s.domain, subdomain=s) for s in subdomains}
    organisations: dict[int, set[int]] = defaultdict(set)
    sector_sets: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    evidence: dict[int, set[int]] = defaultdict(set)
    active: dict[int, set[int]] = defaultdict(set)
    for sub, initiative, status, lead, lead_sector in links:
        if initiative in with_evidence:
            evidence[sub].add(initiative)
        if status != ACTIVE:
            continue
        active[sub].add(initiative)
        involved = ([(lead, lead_sector)] if lead else []) + partners.get(initiative, [])
        for organisation, sector in involved:
            organisations[sub].add(organisation)
            sector_sets[sub][sector].add(initiative)
    max_cell = 0
    for pk, row in rows.items():
        row.active = len(active[pk])
        row.evidence = len(evidence[pk])
        row.organisations = len(organisations[pk])
        row.by_sector = {sector: len(sector_sets[pk].get(sector, ())) for sector in Sector.values}
        max_cell = max([max_cell, *row.by_sector.values()])
        row.questions, row.unanswered = per_domain.get(row.domain.pk, [0, 0])
        fitness = fitness_of.medians.get(row.key)
        if fitness:
            row.fitness, row.fitness_name = fitness
        row.fitness_status = fitness_of.status(row)
        if row.fitness is not None and row.fitness <= rule.low_fitness_up_to:
            row.flags.append(LOW_FITNESS)
        if row.active < rule.active_below:
            row.flags.append(LITTLE_ACTIVITY)
        if row.sectors < rule.sectors_below:
            row.flags.append(FEW_SECTORS)
        if row.unanswered:
            row.flags.append(UNANSWERED_QUESTIONS)
    return GapsReport(coalition=coalition, rows=list(rows.values()), rule=rule,
                      round=fitness_of.round,
                      max_cell=max_cell, levels=levels)


#: Background colours of heat-map cells by band (ColorBrewer YlGnBu, light to mid: black text
#: keeps a contrast above 7:1 on each). The number is always written in the cell too. The
#: stylesheet's `.sp-heat--0` to `.sp-heat--4` (frontend/_insights.scss) use the same colours.
HEAT_COLOURS = ["#ffffff", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4"]


def heat_band(count: int) -> int:
    """The colour band of a count: 0 for 0, 1 for 1, 2 for 2, 3 for 3–4, 4 for 5 or more."""
    if count <= 0:
        return 0
    if count <= 2:
        return count
    return 3 if count <= 4 else 4


def heat_colour(count: int) -> str:
    """The cell colour for a count (see `heat_band`)."""
    return HEAT_COLOURS[heat_band(count)]


def heat_class(count: int) -> str:
    """
    The CSS class that colours a heat-map cell (frontend/_insights.scss). Pages use classes,
    never `style` attributes: the content security policy blocks inline styles.
    """
    return f"sp-heat sp-heat--{heat_band(count)}"


# --- Demo --------------------------------------------------------------------------------

#: Demo initiatives (external_id) that answer the smart question of a domain (slug).
DEMO_ANSWERS = {
    "economy": ["demo-scale-up-mentoring", "demo-innovation-vouchers"],
    "mobility": ["demo-car-club", "demo-real-time-bus"],
    "resources": ["demo-air-quality-sensors"],
}


@transaction.atomic
def insights_load_demo(*, coalition: Coalition) -> int:
    """
    Link the demo initiatives in `DEMO_ANSWERS` to their domain's first smart question, so
    that the demo's gaps page shows answered and unanswered questions. Safe to run again;
    returns how many links exist afterwards.
    """
    if coalition.framework_id is None:
        return 0
    for domain_slug, external_ids in DEMO_ANSWERS.items():
        question = (SmartQuestion.objects.filter(domain__framework_id=coalition.framework_id,
                                                 domain__slug=domain_slug)
                    .order_by("position", "pk").first())
        if question is None:
            continue
        for initiative in Initiative.objects.filter(coalition=coalition,
                                                    external_id__in=external_ids):
            QuestionAnswer.objects.get_or_create(initiative=initiative, question=question)
    return QuestionAnswer.objects.filter(initiative__coalition=coalition).count()
