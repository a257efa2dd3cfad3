"""
Public pages of assessment cycles, each with `.json` and `.csv` twins.

Only published cycles have public pages, and only as their policy allows: a private cycle has
none (404); an anonymised one shows cohort statistics with no organisation named and no
per-organisation figure (its scorecards, league tables, index and answers are 404); a named one
shows everything. Only participants whose results are published are shown or counted.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from smartplace.assessments.cohorts import (
    MIN_COHORT,
    cohort_statistics,
    cycle_cohorts,
)
from smartplace.assessments.composite import (
    INDEX_MIN_COVERAGE,
    INDEX_MIN_UNIT_COVERAGE,
    composite_index_rows,
    composite_index_rule,
    cycle_composite_index,
)
from smartplace.assessments.exports import (
    ANSWERS_COLUMNS,
    ORGANISATIONS_COLUMNS,
    answers_rows,
    organisations_rows,
)
from smartplace.assessments.models import Cycle
from smartplace.assessments.results import (
    CycleResults,
    LeagueEntry,
    cycle_results,
)
from smartplace.assessments.selectors import (
    cycle_instrument,
    cycle_public_list,
    live_answers,
)
from smartplace.assessments.values import value_label
from smartplace.core.formats import Dataset, csv_response, respond
from smartplace.instruments.charts import (
    EXECUTION,
    STRATEGY,
    ChartPoint,
    strategy_execution_chart_svg,
    strategy_execution_chart_table,
)
from smartplace.instruments.files import format_exact

LIST_COLUMNS = ["cycle", "name", "instrument", "version", "policy", "organisations",
                "published_at", "url"]
LEAGUE_COLUMNS = ["group", "rank", "group_size", "organisation", "name", "weighted_percent",
                  "percentile", "level", "change_points", "url"]
COHORT_COLUMNS = ["cohort", "organisations", "suppressed", "minimum", "lower_quartile",
                  "median", "upper_quartile", "maximum"]
SCORECARD_COLUMNS = ["section", "title", "points", "maximum", "fraction", "percent", "weight",
                     "level"]
INDEX_COLUMNS = ["rank", "organisation", "name", "index", "coverage"]


def _licence(cycle: Cycle) -> dict[str, str]:
    instrument = cycle.instrument
    if instrument.licence:
        return {"name": instrument.licence, "url": instrument.licence_url, "id": ""}
    return settings.SMARTPLACE_DEFAULT_LICENCE


def _public_cycle(slug: str, *, named: bool = False) -> Cycle:
    cycle = get_object_or_404(Cycle.objects.select_related("instrument", "previous"), slug=slug)
    if not cycle.is_public or (named and not cycle.is_named):
        raise Http404(_("There are no published results for this cycle."))
    return cycle


def _crumbs(cycle: Cycle | None = None) -> list[dict[str, str]]:
    crumbs = [{"text": _("Home"), "href": reverse("core:home")},
              {"text": _("Assessments"), "href": reverse("assessments:cycle_list")}]
    if cycle is not None:
        crumbs.append({"text": cycle.name, "href": cycle.get_absolute_url()})
    return crumbs


def _number(value: Fraction | Decimal | None, places: int = 1) -> str:
    if value is None:
        return ""
    return format(Decimal(value.numerator) / Decimal(value.denominator)
                  if isinstance(value, Fraction) else value, f".{places}f")


def _league_row(request: HttpRequest, entry: LeagueEntry, group: str) -> dict:
    participant = entry.participant
    return {
        "group": group, "rank": entry.rank, "group_size": entry.group_size,
        "organisation": participant.organisation.slug, "name": participant.organisation.name,
        "weighted_percent": entry.percent, "percentile": _number(entry.percentile),
        "level": entry.level_name,
        "change_points": entry.change.points if entry.change else None,
        "url": request.build_absolute_uri(participant.get_absolute_url()),
    }


def _last_updated(results: CycleResults):
    return max([results.cycle.published_at, *(p.updated_at for p in results.participants)],
               default=None, key=lambda d: d.timestamp() if d else 0)


def _cohort_row(cohort) -> dict:
    return {"cohort": cohort.label, "organisations": cohort.count,
            "suppressed": cohort.suppressed, "minimum": cohort.minimum,
            "lower_quartile": cohort.lower_quartile, "median": cohort.median,
            "upper_quartile": cohort.upper_quartile, "maximum": cohort.maximum}


def _chart(results: CycleResults) -> dict:
    codes = {s.code for s in cycle_instrument(cycle=results.cycle).method.sections}
    if not {STRATEGY, EXECUTION} <= codes or not results.cycle.is_named:
        return {}
    points = []
    for participant, score in results.scores.items():
        values = {s.code: s.published_percent for s in score.sections}
        if values.get(STRATEGY) is not None and values.get(EXECUTION) is not None:
            points.append(ChartPoint(label=participant.organisation.name,
                                     strategy=values[STRATEGY], execution=values[EXECUTION],
                                     href=participant.get_absolute_url()))
    if not points:
        return {}
    return {"chart_svg": strategy_execution_chart_svg(points=points),
            "chart_rows": strategy_execution_chart_table(points=points)}


def cycle_list(request: HttpRequest, fmt: str = "html", **kwargs) -> HttpResponse:
    """
    Published assessment cycles (private ones are never listed).

    Template: assessments/cycle_list.html
    Context: cycles (each with `published_count`), breadcrumbs
    Formats: .json, .csv (LIST_COLUMNS)
    """
    from django.db.models import Count, Q

    cycles = list(cycle_public_list().annotate(
        published_count=Count("participants", filter=Q(participants__stage="published"))))

    def dataset() -> Dataset:
        return Dataset(
            title=_("Assessment cycles"), columns=LIST_COLUMNS,
            rows=[{"cycle": c.slug, "name": c.name, "instrument": c.instrument.slug,
                   "version": c.instrument.version, "policy": c.policy,
                   "organisations": c.published_count, "published_at": c.published_at,
                   "url": request.build_absolute_uri(c.get_absolute_url())} for c in cycles],
            last_updated=max((c.updated_at for c in cycles), default=None),
        )

    return respond(request, fmt, template="assessments/cycle_list.html",
                   context={"cycles": cycles, "breadcrumbs": _crumbs()[:1]},
                   dataset=dataset, filename="assessment-cycles")


def cycle_results_page(request: HttpRequest, cycle: str, fmt: str = "html",
                       **kwargs) -> HttpResponse:
    """
    The results of a published cycle. Named policy: a league table per peer group (rank,
    published weighted total, percentile, level, change since the previous cycle) and, for an
    instrument with Strategy and Execution sections, the Strategy-by-Execution chart.
    Anonymised policy: cohort statistics only (MIN_COHORT or more organisations).

    Template: assessments/cycle_results.html
    Context: cycle, results, cohorts (anonymised), chart_svg and chart_rows (if any),
    breadcrumbs
    Formats: .json, .csv (named: LEAGUE_COLUMNS, a row per organisation; anonymised:
    COHORT_COLUMNS, a row per cohort)
    """
    cycle_ = _public_cycle(cycle)
    results = cycle_results(cycle=cycle_)
    cohorts = [] if cycle_.is_named else cycle_cohorts(results=results)

    def dataset() -> Dataset:
        if cycle_.is_named:
            columns = LEAGUE_COLUMNS
            rows = [_league_row(request, e, g.label) for g in results.league for e in g.entries]
        else:
            columns, rows = COHORT_COLUMNS, [_cohort_row(c) for c in cohorts]
        return Dataset(title=cycle_.name, columns=columns, rows=rows,
                       licence=_licence(cycle_), last_updated=_last_updated(results),
                       extra={"policy": cycle_.policy,
                              "methodology": request.build_absolute_uri(
                                  cycle_.instrument.get_absolute_url())})

    return respond(request, fmt, template="assessments/cycle_results.html",
                   context={"cycle": cycle_, "results": results, "cohorts": cohorts,
                            "min_cohort": MIN_COHORT, "breadcrumbs": _crumbs(),
                            **_chart(results)},
                   dataset=dataset, filename=f"{cycle_.slug}-results")


def group_table(request: HttpRequest, cycle: str, group: str, fmt: str = "html",
                **kwargs) -> HttpResponse:
    """
    One peer group's league table (named policy) or its cohort statistics (anonymised).

    Template: assessments/group_table.html
    Context: cycle, group (a LeagueGroup), cohort (anonymised), breadcrumbs
    Formats: .json, .csv (as the results page)
    """
    cycle_ = _public_cycle(cycle)
    results = cycle_results(cycle=cycle_)
    league_group = results.group(group)
    if league_group is None:
        raise Http404(_("There is no such peer group."))
    cohort = None
    if not cycle_.is_named:
        names = [lv.name for lv in cycle_instrument(cycle=cycle_).instrument
                 .maturity_levels.all()]
        cohort = cohort_statistics(label=league_group.label,
                                   scores=[e.score for e in league_group.entries],
                                   level_names=names)

    def dataset() -> Dataset:
        if cycle_.is_named:
            columns = LEAGUE_COLUMNS
            rows = [_league_row(request, e, league_group.label) for e in league_group.entries]
        else:
            columns, rows = COHORT_COLUMNS, [_cohort_row(cohort)]
        return Dataset(title=f"{cycle_.name}: {league_group.label}", columns=columns,
                       rows=rows, licence=_licence(cycle_),
                       last_updated=_last_updated(results))

    return respond(request, fmt, template="assessments/group_table.html",
                   context={"cycle": cycle_, "group": league_group, "cohort": cohort,
                            "group_slug": group, "min_cohort": MIN_COHORT,
                            "breadcrumbs": _crumbs(cycle_)},
                   dataset=dataset, filename=f"{cycle_.slug}-{group}")


def scorecard(request: HttpRequest, cycle: str, organisation: str, fmt: str = "html",
              **kwargs) -> HttpResponse:
    """
    One organisation's published scorecard (named policy only): each section's points, maximum,
    fraction, published percentage and maturity level, the totals and overall level, the rank
    in its peer group, change since the previous cycle, and every answer with its evidence.

    Template: assessments/scorecard.html
    Context: cycle, participant, score, entry (LeagueEntry or None), change, answers (rows with
    question, label, evidence), breadcrumbs
    Formats: .json (sections, plus totals, rank, change and answers), .csv (SCORECARD_COLUMNS)
    """
    cycle_ = _public_cycle(cycle, named=True)
    results = cycle_results(cycle=cycle_)
    participant = results.participant(organisation)
    if participant is None:
        raise Http404(_("There is no published scorecard for this organisation."))
    score = results.scores[participant]
    entry = results.entries.get(participant)
    change = results.changes.get(participant)
    tree = cycle_instrument(cycle=cycle_)
    by_code = {q.code: q for q in tree.method.questions}
    questions = {q.code: q for q in score.questions}
    answers = {a.question.code: a for a in live_answers(participants=[participant])[participant.pk]}
    sections = []
    for section_row in tree.instrument.sections.all():
        rows = []
        for question in tree.instrument.questions.all():
            if question.section_id != section_row.pk:
                continue
            answer = answers.get(question.code)
            rows.append({
                "question": question, "score": questions[question.code],
                "answer": answer,
                "label": value_label(question=by_code[question.code], value=answer.value,
                                     not_applicable=answer.not_applicable) if answer else "",
            })
        sections.append({"section": section_row, "score": score.section(section_row.code),
                         "answers": rows})

    def level(result) -> str:
        return result.level.name if result and result.level else ""

    def dataset() -> Dataset:
        rows = [{"section": s.code, "title": s.title, "points": format_exact(s.points),
                 "maximum": format_exact(s.maximum),
                 "fraction": format_exact(s.fraction) if s.fraction is not None else None,
                 "percent": s.published_percent, "weight": format_exact(s.weight),
                 "level": level(s.maturity)} for s in score.sections]
        return Dataset(
            title=f"{participant.organisation.name}: {cycle_.name}", columns=SCORECARD_COLUMNS,
            rows=rows, licence=_licence(cycle_), last_updated=_last_updated(results),
            extra={
                "organisation": participant.organisation.slug,
                "name": participant.organisation.name,
                "group": participant.scoring_group, "peer_group": participant.peer_group,
                "raw_percent": score.published_percent,
                "weighted_percent": score.published_weighted_percent,
                "level": level(score.maturity),
                "rank_in_peer_group": entry.rank if entry else None,
                "peer_group_size": entry.group_size if entry else None,
                "percentile_in_peer_group": _number(entry.percentile) if entry else None,
                "change_points": change.points if change else None,
                "answers": [{"question": code,
                             "answer": a.value if not a.not_applicable else "n/a",
                             "evidence_url": a.evidence_url, "evidence_page": a.evidence_page,
                             "evidence_quote": a.evidence_quote}
                            for code, a in answers.items()],
            })

    return respond(request, fmt, template="assessments/scorecard.html",
                   context={"cycle": cycle_, "participant": participant, "score": score,
                            "entry": entry, "change": change, "sections": sections,
                            "group_slug": slugify(participant.peer_group),
                            "breadcrumbs": _crumbs(cycle_)},
                   dataset=dataset,
                   filename=f"{cycle_.slug}-{participant.organisation.slug}")


def index_page(request: HttpRequest, cycle: str, fmt: str = "html", **kwargs) -> HttpResponse:
    """
    The composite index of a named cycle, with its rule: question shares as z-scores, averaged
    up to sections and the index with the coverage rules (docs/assessments.md).

    Template: assessments/index.html
    Context: cycle, index (CompositeIndex), rows, excluded, min_coverage, min_unit_coverage,
    breadcrumbs
    Formats: .json, .csv (INDEX_COLUMNS)
    """
    cycle_ = _public_cycle(cycle, named=True)
    results = cycle_results(cycle=cycle_)
    index = cycle_composite_index(cycle=cycle_, scores=results.scores)
    rows = composite_index_rows(index=index)
    excluded = [(p, share) for p, share in index.excluded.items()]

    def dataset() -> Dataset:
        return Dataset(
            title=_("%(cycle)s: composite index") % {"cycle": cycle_.name},
            columns=INDEX_COLUMNS,
            rows=[{"rank": r["rank"], "organisation": r["participant"].organisation.slug,
                   "name": r["participant"].organisation.name,
                   "index": _number(r["value"], 3) if r["value"] is not None else None,
                   "coverage": format_exact(r["coverage"])} for r in rows],
            licence=_licence(cycle_), last_updated=_last_updated(results),
            extra={"rule": composite_index_rule(),
                   "excluded": [{"organisation": p.organisation.slug,
                                 "coverage": format_exact(share)} for p, share in excluded]},
        )

    return respond(request, fmt, template="assessments/index.html",
                   context={"cycle": cycle_, "index": index, "rows": rows,
                            "excluded": excluded,
                            "min_coverage": _number(INDEX_MIN_COVERAGE * 100, 0),
                            "min_unit_coverage": _number(INDEX_MIN_UNIT_COVERAGE * 100, 0),
                            "breadcrumbs": _crumbs(cycle_)},
                   dataset=dataset, filename=f"{cycle_.slug}-index")


def _download_participants(request: HttpRequest, cycle_: Cycle) -> list:
    results_participants = cycle_results(cycle=cycle_).participants
    group = request.GET.get("group")
    if group:
        results_participants = [p for p in results_participants
                                if p.peer_group and slugify(p.peer_group) == group]
        if not results_participants:
            raise Http404(_("There is no such peer group."))
    return results_participants


def answers_download(request: HttpRequest, cycle: str) -> HttpResponse:
    """
    The published answers in the answers-file format of docs/instruments.md (named policy
    only); `?group=<peer group>` keeps one peer group. With organisations.csv, `smartplace score`
    recomputes every published figure.
    """
    cycle_ = _public_cycle(cycle, named=True)
    participants = _download_participants(request, cycle_)
    return csv_response(Dataset(title=_("Answers"), columns=ANSWERS_COLUMNS,
                                rows=answers_rows(participants=participants),
                                licence=_licence(cycle_), last_updated=cycle_.published_at),
                        filename=f"{cycle_.slug}-answers")


def organisations_download(request: HttpRequest, cycle: str) -> HttpResponse:
    """The published organisations (slug, name, group in the instrument) for `smartplace
    score`; `?group=<peer group>` keeps one peer group."""
    cycle_ = _public_cycle(cycle, named=True)
    participants = _download_participants(request, cycle_)
    return csv_response(Dataset(title=_("Organisations"), columns=ORGANISATIONS_COLUMNS,
                                rows=organisations_rows(participants=participants),
                                licence=_licence(cycle_), last_updated=cycle_.published_at),
                        filename=f"{cycle_.slug}-organisations")
