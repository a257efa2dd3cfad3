"""
Reads for fitness assessment rounds: the rounds of a coalition, the consolidation of a round's
ratings (made by `smartplace.methods`, never here), publication rules, trends and the Delphi
comparison.

A consolidated result is a plain document, the one `smartplace consolidate` prints
(`round_result_as_dict`), plus its CSV rows; pages, twins and the wheel are all drawn from it.
A closed round's document is stored on the round (`Round.result`) and never changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from smartplace.coalitions.models import Coalition
from smartplace.frameworks.models import Domain, FitnessLevel, SubDomain
from smartplace.initiatives.models import Initiative
from smartplace.methods.consolidation import (
    NOT_STATED,
    Catalogue,
    CatalogueDomain,
    CatalogueItem,
    ConsolidationRules,
    consolidate_round,
)
from smartplace.methods.consolidation import (
    Rating as MethodRating,
)
from smartplace.methods.exports import (
    round_result_as_dict,
    round_result_csv_header,
    round_result_csv_rows,
)
from smartplace.methods.perception import PerceptionThresholds, perception_flags
from smartplace.organisations.models import Sector
from smartplace.people.models import Person, name_shown
from smartplace.rounds.models import Rating, Round
from smartplace.rounds.rules import eligible_domain_ids


def sector_labels() -> dict[str, str]:
    """Sector labels for published figures, always in English so that they never change."""
    with translation.override("en"):
        return {value: str(label) for value, label in Sector.choices}


def round_list_for_coalition(*, coalition: Coalition) -> QuerySet[Round]:
    """The coalition's rounds, newest first, with the number of people who rated in each."""
    return (Round.objects.filter(coalition=coalition)
            .select_related("coalition", "follow_up_of")
            .annotate(rater_count=Count("ratings__person", distinct=True))
            .order_by("-opens_at", "-pk"))


def round_get(*, coalition: Coalition, slug: str) -> Round:
    """The round of `coalition` with this slug. Raises Round.DoesNotExist."""
    return (Round.objects.select_related("coalition", "framework", "follow_up_of")
            .get(coalition=coalition, slug=slug))


def round_levels(*, round_: Round) -> list[FitnessLevel]:
    """The round's fitness scale, lowest first."""
    return list(round_.framework.levels.order_by("position"))


def round_domains(*, round_: Round) -> list[Domain]:
    """The domains in scope, in the framework's order, each with `subdomain_list`."""
    return list(
        round_.domains.order_by("position", "name").prefetch_related(
            Prefetch("subdomains", queryset=SubDomain.objects.order_by("position", "name"),
                     to_attr="subdomain_list"))
    )


def item_key(domain: Domain, subdomain: SubDomain) -> str:
    """The key of a sub-domain in results: `domain-slug/sub-domain-slug`."""
    return f"{domain.slug}/{subdomain.slug}"


def round_rater_count(*, round_: Round) -> int:
    """How many people have a live rating in the round."""
    return Rating.objects.filter(round=round_).values("person").distinct().count()


def active_initiative_counts(*, coalition: Coalition,
                             subdomain_keys: dict[int, str]) -> dict[str, int]:
    """Active public initiatives per sub-domain key (perception against evidence)."""
    rows = (Initiative.objects.public()
            .filter(coalition=coalition, status=Initiative.Status.ACTIVE,
                    subdomains__in=list(subdomain_keys))
            .values("subdomains").annotate(n=Count("pk", distinct=True)))
    return {subdomain_keys[row["subdomains"]]: row["n"] for row in rows}


def round_result_compute(*, round_: Round) -> dict[str, Any]:
    """
    Consolidate the round's live ratings as they are now.

    Returns {"document": round_result_as_dict(...) with perception flags, "csv_header",
    "csv_rows", "computed_at"}. Raters are identified by an opaque number and each rating
    carries the sector of the rater's organisation when they rated. Perception compares the
    medians with the coalition's active public initiatives per sub-domain.
    """
    levels = round_levels(round_=round_)
    names = tuple(level.name for level in levels)
    domains = round_domains(round_=round_)
    keys: dict[int, str] = {}
    catalogue_items = []
    for domain in domains:
        for sub in domain.subdomain_list:
            keys[sub.pk] = item_key(domain, sub)
            catalogue_items.append(CatalogueItem(key=keys[sub.pk], name=sub.name,
                                                 domain=domain.slug))
    catalogue = Catalogue(
        name=f"the round “{round_.name}”",
        domains=tuple(CatalogueDomain(key=d.slug, name=d.name) for d in domains),
        items=tuple(catalogue_items),
    )
    rules = ConsolidationRules(levels=len(levels), min_raters=round_.min_raters,
                               contested_below=round_.contested_below, level_names=names)
    rows = (Rating.objects.filter(round=round_, subdomain_id__in=list(keys)).order_by()
            .values_list("person_id", "subdomain_id", "level", "sector")
            .iterator(chunk_size=50_000))
    labels = sector_labels()
    ratings = (MethodRating(str(person), keys[sub], level,
                            labels.get(sector, sector) if sector else NOT_STATED)
               for person, sub, level, sector in rows)
    result = consolidate_round(ratings=ratings, rules=rules, catalogue=catalogue)
    perception = perception_flags(
        items=result.items,
        active_initiatives=active_initiative_counts(coalition=round_.coalition,
                                                    subdomain_keys=keys),
        thresholds=PerceptionThresholds.for_scale(len(levels)), level_names=names)
    return {
        "document": round_result_as_dict(result, perception=perception),
        "csv_header": round_result_csv_header(result, perception=perception),
        "csv_rows": round_result_csv_rows(result, perception=perception),
        "computed_at": timezone.now().isoformat(timespec="seconds"),
    }


def round_published_result(*, round_: Round) -> dict[str, Any] | None:
    """
    The published result of a closed round (stored on first read after it closes), or None
    while the round is not closed.
    """
    if not round_.is_closed():
        return None
    if round_.result is None:
        from smartplace.rounds.services import round_result_snapshot

        round_result_snapshot(round_=round_)
    return round_.result


@dataclass(frozen=True)
class RoundPublication:
    """
    What anyone may see of a round's figures: the published consolidation (None until the
    round has closed: never provisional figures) and the number of raters (every rater once
    closed; while open, only from the round's minimum up, so that a handful of early raters
    are not exposed). Pages, twins and the API all read rounds through this.
    """

    document: dict[str, Any] | None
    raters: int | None


def round_publication(*, round_: Round, rater_count: int | None = None) -> RoundPublication:
    """
    The public view of `round_` (see RoundPublication). `rater_count` is the number of people
    who rated, when the caller already has it (as `round_list_for_coalition` annotates it);
    otherwise it is counted, only while the round is not closed.
    """
    result = round_published_result(round_=round_)
    if result is not None:
        document = result["document"]
        return RoundPublication(document=document, raters=document["round"]["raters"])
    count = round_rater_count(round_=round_) if rater_count is None else rater_count
    return RoundPublication(document=None,
                            raters=count if count >= round_.min_raters else None)


def round_public_reasons(*, round_: Round) -> dict[str, list[dict[str, str | None]]]:
    """
    The reasons whose authors agreed to share them, per item key: the text, and the author's
    name only when they have a public profile. Never the level they gave.
    """
    keys = {sub.pk: item_key(domain, sub)
            for domain in round_domains(round_=round_) for sub in domain.subdomain_list}
    reasons: dict[str, list[dict[str, str | None]]] = defaultdict(list)
    rows = (Rating.objects.filter(round=round_, share_reason_publicly=True)
            .exclude(reason="").annotate(author=name_shown("person"))
            .order_by("subdomain", "pk"))
    for rating in rows:
        if rating.subdomain_id not in keys:
            continue
        reasons[keys[rating.subdomain_id]].append({"text": rating.reason, "name": rating.author})
    return dict(reasons)


def rating_list_for_person(*, round_: Round, person: Person) -> dict[int, Rating]:
    """The person's live ratings in the round, by sub-domain id."""
    return {rating.subdomain_id: rating
            for rating in Rating.objects.filter(round=round_, person=person)}


def rateable_domains(*, round_: Round, person: Person | None) -> list[Domain]:
    """The domains of the round `person` may rate, in order, each with `subdomain_list`."""
    allowed = eligible_domain_ids(person=person, round_=round_)
    return [domain for domain in round_domains(round_=round_) if domain.pk in allowed]


# --- Delphi ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsensusChange:
    """How one item's consensus moved between a round and its follow-up."""

    item: str
    name: str
    domain: str | None
    before: float | None
    after: float | None
    median_before: int | None
    median_after: int | None
    contested_before: bool | None
    contested_after: bool | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def _statistic(entry: dict | None, name: str):
    if not entry or not entry.get("published") or not entry.get("statistics"):
        return None
    return entry["statistics"].get(name)


def consensus_change(*, before: dict, after: dict) -> list[ConsensusChange]:
    """
    Per item of the follow-up document `after`, its consensus and median in the first round's
    document `before` and now (None where an item was not published).
    """
    earlier = {entry["item"]: entry for entry in before.get("items", [])}
    changes = []
    for entry in after.get("items", []):
        old = earlier.get(entry["item"])
        changes.append(ConsensusChange(
            item=entry["item"], name=entry["name"], domain=entry.get("domain"),
            before=_statistic(old, "consensus"), after=_statistic(entry, "consensus"),
            median_before=_statistic(old, "median"), median_after=_statistic(entry, "median"),
            contested_before=old.get("contested") if old else None,
            contested_after=entry.get("contested"),
        ))
    return changes


def consensus_change_summary(changes: Iterable[ConsensusChange]) -> dict[str, Any]:
    """Items compared, the mean consensus before and after, and how many rose or fell."""
    both = [c for c in changes if c.change is not None]
    if not both:
        return {"items_compared": 0, "mean_before": None, "mean_after": None,
                "mean_change": None, "rose": 0, "fell": 0, "unchanged": 0}
    mean_before = sum(c.before for c in both) / len(both)
    mean_after = sum(c.after for c in both) / len(both)
    return {
        "items_compared": len(both), "mean_before": mean_before, "mean_after": mean_after,
        "mean_change": mean_after - mean_before,
        "rose": sum(1 for c in both if c.change > 1e-12),
        "fell": sum(1 for c in both if c.change < -1e-12),
        "unchanged": sum(1 for c in both if abs(c.change) <= 1e-12),
    }


def round_follow_up_change(
    *, round_: Round, document: dict | None,
) -> tuple[list[ConsensusChange], dict[str, Any] | None]:
    """
    For a published follow-up (Delphi) round whose first round is published too: the change
    in consensus per item and its summary. Otherwise ([], None).
    """
    if document is None or not round_.follow_up_of_id:
        return [], None
    parent = round_published_result(round_=round_.follow_up_of)
    if parent is None:
        return [], None
    changes = consensus_change(before=parent["document"], after=document)
    return changes, consensus_change_summary(changes)


# --- Trends ---------------------------------------------------------------------------------


@dataclass
class TrendSeries:
    """One sub-domain's or domain's figures across the closed rounds (None: not published)."""

    key: str
    name: str
    scope: str
    domain: str | None
    medians: list[int | None] = field(default_factory=list)
    consensus: list[float | None] = field(default_factory=list)
    n: list[int | None] = field(default_factory=list)


def round_trends(*, coalition: Coalition) -> tuple[list[Round], list[TrendSeries]]:
    """
    The coalition's closed rounds, oldest first, and per domain and sub-domain (in the order
    they first appear) the published median, consensus and n in each of them.
    """
    rounds = [r for r in Round.objects.closed().filter(coalition=coalition)
              .select_related("coalition", "framework").order_by("closes_at", "pk")]
    series: dict[tuple[str, str], TrendSeries] = {}
    documents = [round_published_result(round_=r)["document"] for r in rounds]
    for document in documents:
        for entry in document["domains"]:
            series.setdefault(("domain", entry["domain"]), TrendSeries(
                key=entry["domain"], name=entry["name"], scope="domain", domain=None))
        for entry in document["items"]:
            series.setdefault(("item", entry["item"]), TrendSeries(
                key=entry["item"], name=entry["name"], scope="item", domain=entry["domain"]))
    for document in documents:
        domains = {e["domain"]: e for e in document["domains"]}
        items = {e["item"]: e for e in document["items"]}
        for (scope, key), trend in series.items():
            if scope == "domain":
                pooled = (domains.get(key) or {}).get("pooled")
                trend.medians.append(pooled["median"] if pooled else None)
                trend.consensus.append(pooled["consensus"] if pooled else None)
                trend.n.append(pooled["n"] if pooled else None)
            else:
                entry = items.get(key)
                trend.medians.append(_statistic(entry, "median"))
                trend.consensus.append(_statistic(entry, "consensus"))
                trend.n.append(_statistic(entry, "n"))
    ordered: list[TrendSeries] = []
    for trend in series.values():
        if trend.scope == "domain":
            ordered.append(trend)
            ordered.extend(t for t in series.values()
                           if t.scope == "item" and t.domain == trend.key)
    return rounds, ordered


# --- Pages ----------------------------------------------------------------------------------


def result_rows(document: dict) -> Iterator[dict[str, Any]]:
    """One flat row per item of a document, for tables (hidden items have empty figures)."""
    names = document["method"]["level_names"]
    flags = {flag["item"]: flag for flag in document.get("perception", {}).get("flags", [])}
    for entry in document["items"]:
        stats = entry["statistics"] or {}
        median = stats.get("median")
        yield {
            **entry,
            "median_name": names[median - 1] if median else None,
            "distribution": [(names[int(level) - 1], count)
                             for level, count in (stats.get("distribution") or {}).items()],
            "flag": flags.get(entry["item"]),
        }


@dataclass(frozen=True)
class WheelPanel:
    """What the wheel include shows: the round, the SVG and the table rows."""

    round: Round
    svg: str
    rows: list[dict[str, Any]]
    domain_rows: list[dict[str, Any]]
    level_names: list[str]


def round_wheel_panel(*, round_: Round) -> WheelPanel | None:
    """The wheel of a closed round, with its data table; None when it has no result."""
    from smartplace.rounds.wheel import wheel_domain_rows, wheel_svg

    result = round_published_result(round_=round_)
    if result is None:
        return None
    document = result["document"]
    title = gettext("Domain wheel: %(round)s") % {"round": round_.name}
    return WheelPanel(round=round_, svg=wheel_svg(document, title=title),
                      rows=list(result_rows(document)),
                      domain_rows=wheel_domain_rows(document),
                      level_names=document["method"]["level_names"])
