"""
Assessment cycles and their published results: the cycles, each organisation's scores and
scorecard, league tables per peer group and the composite index.

Visibility is the web's (docs/assessments.md): only published cycles that are not private
exist here (anything else is a 404); an anonymised cycle gives its facts and cohort statistics
only (its scores, league tables and index are 404); a named one gives everything. Only
participants whose results are published are shown or counted. The figures come from the same
selectors as the public pages and are written as their `.json` twins write them: exact numbers
("3", "1/3") and published percentages ("60", "57.5") as strings, so no digit is lost.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Q
from django.http import Http404
from django.utils.text import slugify
from django.utils.translation import gettext as _
from ninja import Query, Router

from smartplace.api.auth import api_user
from smartplace.api.endpoints.assessment_schemas import (
    CycleDetail,
    CyclePage,
    IndexOut,
    LeagueOut,
    ScorecardOut,
    ScorePage,
)
from smartplace.api.endpoints.instruments import instrument_licence
from smartplace.api.errors import READ_ERRORS, ApiError
from smartplace.api.pagination import cursor_paginate
from smartplace.api.params import check_query, cursor_query, limit_query, slug_path
from smartplace.assessments.cohorts import (
    CohortStatistics,
    cycle_cohorts,
)
from smartplace.assessments.composite import (
    composite_index_rows,
    composite_index_rule,
    cycle_composite_index,
)
from smartplace.assessments.models import Cycle, Participant, Stage
from smartplace.assessments.results import cycle_results
from smartplace.assessments.scores import (
    Change,
    cycle_changes,
    cycle_scores,
)
from smartplace.assessments.selectors import (
    cycle_public_list,
    live_answers,
    public_participants,
)
from smartplace.instruments.files import format_exact
from smartplace.methods import scoring as m

router = Router(tags=["assessments"])

GROUP_PATTERN = r"^[-a-zA-Z0-9_]*$"


# --- helpers -----------------------------------------------------------------------------------


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _fixed(value: Fraction | Decimal | None, places: int) -> str | None:
    """A number to `places` decimal places, as the public pages and twins write it."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return format(value, f".{places}f")


def _level(result: m.MaturityResult | None) -> dict | None:
    level = result.level if result else None
    return {"number": level.number, "name": level.name} if level else None


def public_cycle_or_404(slug: str, *, named: bool = False) -> Cycle:
    """The published, public cycle `slug` (named only, with `named`), or a 404."""
    cycle = (Cycle.objects.select_related("instrument", "previous").filter(slug=slug)
             .annotate(published_count=Count("participants", filter=Q(
                 participants__stage=Stage.PUBLISHED))).first())
    if cycle is None or not cycle.is_public:
        raise Http404(_("There are no published results for this cycle."))
    if named and not cycle.is_named:
        raise Http404(_("This cycle is published as an anonymised cohort: no organisation’s "
                        "figures are published (its cohort statistics are on the cycle)."))
    return cycle


def _peer_groups(cycle: Cycle, group: str) -> list[str] | None:
    """The peer-group labels whose slug is `group` (None without a group); 400 for none."""
    if not group:
        return None
    labels = [label for label in public_participants(cycle=cycle).order_by()
              .values_list("peer_group", flat=True).distinct()
              if label and slugify(label) == group]
    if not labels:
        raise ApiError(400, _("The filters are not valid."), [
            {"location": "query", "field": "group",
             "message": _("There is no peer group “%(group)s” in this cycle") % {"group": group},
             "code": "invalid"}])
    return labels


def group_query():
    return Query("", pattern=GROUP_PATTERN, max_length=200,
                 description="A peer group, as in the web's addresses (its label slugified, "
                             "e.g. metropolitan-district).")


def _url(request, path: str) -> str:
    return request.build_absolute_uri(f"/api/v1{path}")


def cycle_out(request, cycle: Cycle) -> dict:
    """A cycle annotated with `published_count` as CycleOut."""
    instrument = cycle.instrument
    previous = cycle.previous
    return {
        "slug": cycle.slug, "name": cycle.name, "description": cycle.description,
        "instrument": {"slug": instrument.slug, "version": instrument.version,
                       "name": instrument.name,
                       "api_url": _url(request, f"/instruments/{instrument.slug}/"
                                                f"{instrument.version}")},
        "policy": cycle.policy, "group_basis": cycle.group_basis,
        "organisations": cycle.published_count,
        "opens_on": cycle.opens_on, "closes_on": cycle.closes_on,
        "published_at": cycle.published_at,
        "previous": previous.slug if previous is not None and previous.is_public else None,
        "is_demo": cycle.is_demo,
        "url": request.build_absolute_uri(cycle.get_absolute_url()),
        "api_url": _url(request, f"/cycles/{cycle.slug}"),
    }


def _cohort_out(cohort: CohortStatistics, group: str | None) -> dict:
    return {
        "label": cohort.label, "group": group, "organisations": cohort.count,
        "suppressed": cohort.suppressed,
        **{name: _decimal(getattr(cohort, name)) for name in
           ("minimum", "lower_quartile", "median", "upper_quartile", "maximum")},
        "bands": [{"label": label, "organisations": n} for label, n in cohort.bands],
        "levels": [{"label": label, "organisations": n} for label, n in cohort.levels],
    }


def _change_out(cycle: Cycle, change: Change | None) -> dict | None:
    if change is None:
        return None
    return {"previous_cycle": cycle.previous.slug, "points": _decimal(change.points),
            "previous_percent": _decimal(change.previous_percent),
            "current_percent": _decimal(change.current_percent),
            "compared": len(change.change.compared),
            "not_compared": list(change.change.new_questions)}


def score_out(request, cycle: Cycle, participant: Participant, score: m.OrganisationScore,
              change: Change | None) -> dict:
    """One organisation's published figures as ScoreOut."""
    organisation = participant.organisation
    return {
        "organisation": organisation.slug, "name": organisation.name,
        "group": participant.scoring_group or None, "peer_group": participant.peer_group or None,
        "weighted_percent": _decimal(score.published_weighted_percent),
        "raw_percent": _decimal(score.published_percent),
        "level": _level(score.maturity),
        "sections": [{
            "code": s.code, "title": s.title, "points": format_exact(s.points),
            "maximum": format_exact(s.maximum),
            "fraction": format_exact(s.fraction) if s.fraction is not None else None,
            "percent": _decimal(s.published_percent), "weight": format_exact(s.weight),
            "level": _level(s.maturity),
        } for s in score.sections],
        "change": _change_out(cycle, change),
        "url": request.build_absolute_uri(participant.get_absolute_url()),
        "api_url": _url(request, f"/cycles/{cycle.slug}/scores/{organisation.slug}"),
    }


# --- operations --------------------------------------------------------------------------------


@router.get("/cycles", response={200: CyclePage, **READ_ERRORS}, operation_id="cycle_list",
            summary="List published assessment cycles")
def cycle_list(request, cursor: str | None = cursor_query(), limit: int = limit_query()):
    """The assessment cycles with public results (published, named or anonymised), newest
    first (by when they were published, then by name), as `/assessments/` lists them.
    Private and unpublished cycles are never listed."""
    api_user(request)
    check_query(request, (), paged=True)
    cycles = cycle_public_list().select_related("previous").annotate(
        published_count=Count("participants", filter=Q(participants__stage=Stage.PUBLISHED)))
    rows, nxt = cursor_paginate(request, cycles, keys=("-published_at", "name", "pk"),
                                limit=limit, cursor=cursor)
    return {"items": [cycle_out(request, c) for c in rows], "next": nxt}


@router.get("/cycles/{cycle}", response={200: CycleDetail, **READ_ERRORS},
            operation_id="cycle_get", summary="Get a published assessment cycle")
def cycle_get(request, cycle: str = slug_path("The cycle's slug")):
    """
    One published cycle: its facts, policy, instrument, previous cycle and licence, its peer
    groups (with how many organisations each) and the cohort statistics of its published
    weighted totals, for all organisations and for each peer group (the figures its page
    shows when it is anonymised). 404 for a private or unpublished cycle.
    """
    api_user(request)
    check_query(request, ())
    found = public_cycle_or_404(cycle)
    results = cycle_results(cycle=found)
    cohorts = cycle_cohorts(results=results)
    groups = [None, *(g.slug for g in results.league)]
    return {
        **cycle_out(request, found),
        "licence": instrument_licence(found.instrument),
        "peer_groups": [{"label": g.label, "slug": g.slug, "organisations": len(g.entries)}
                        for g in results.league],
        "cohorts": [_cohort_out(c, g) for c, g in zip(cohorts, groups, strict=True)],
    }


@router.get("/cycles/{cycle}/scores", response={200: ScorePage, **READ_ERRORS},
            operation_id="cycle_score_list", summary="List published scores of a cycle")
def cycle_score_list(request, cycle: str = slug_path("The cycle's slug"),
                     group: str = group_query(), cursor: str | None = cursor_query(),
                     limit: int = limit_query()):
    """
    Each organisation's published figures in a named cycle, by organisation name: the
    weighted and raw totals, each section's points, maximum, fraction and percentage, the
    maturity levels and change since the previous cycle. `group` keeps one peer group. 404
    for an anonymised, private or unpublished cycle.
    """
    api_user(request)
    check_query(request, ("group",), paged=True)
    found = public_cycle_or_404(cycle, named=True)
    participants = public_participants(cycle=found)
    labels = _peer_groups(found, group)
    if labels is not None:
        participants = participants.filter(peer_group__in=labels)
    rows, nxt = cursor_paginate(request, participants, keys=("organisation__name", "pk"),
                                limit=limit, cursor=cursor)
    scores = cycle_scores(cycle=found, participants=rows) if rows else {}
    changes = cycle_changes(cycle=found, scores=scores, public=True) if scores else {}
    return {"items": [score_out(request, found, p, scores[p], changes.get(p)) for p in rows],
            "next": nxt}


@router.get("/cycles/{cycle}/scores/{organisation}", response={200: ScorecardOut, **READ_ERRORS},
            operation_id="cycle_score_get", summary="Get an organisation's scorecard")
def cycle_score_get(request, cycle: str = slug_path("The cycle's slug"),
                    organisation: str = slug_path("The organisation's slug")):
    """
    One organisation's published scorecard in a named cycle, as its page shows it: the
    figures of the list, its rank and percentile in its peer group, and every published
    answer with its evidence and points. 404 when its results are not published.
    """
    api_user(request)
    check_query(request, ())
    found = public_cycle_or_404(cycle, named=True)
    results = cycle_results(cycle=found)
    participant = results.participant(organisation)
    if participant is None:
        raise Http404(_("There is no published scorecard for this organisation."))
    score = results.scores[participant]
    entry = results.entries.get(participant)
    questions = {q.code: q for q in score.questions}
    answers = []
    for answer in live_answers(participants=[participant])[participant.pk]:
        scored = questions.get(answer.question.code)
        counts = scored is not None and scored.status.counts
        answers.append({
            "question": answer.question.code, "value": answer.value,
            "not_applicable": answer.not_applicable, "evidence_url": answer.evidence_url,
            "evidence_page": answer.evidence_page, "evidence_quote": answer.evidence_quote,
            "points": format_exact(scored.points) if counts else None,
            "maximum": format_exact(scored.maximum) if counts else None,
        })
    return {
        **score_out(request, found, participant, score, results.changes.get(participant)),
        "rank_in_peer_group": entry.rank if entry else None,
        "peer_group_size": entry.group_size if entry else None,
        "percentile_in_peer_group": _fixed(entry.percentile, 1) if entry else None,
        "answers": answers,
    }


@router.get("/cycles/{cycle}/league", response={200: LeagueOut, **READ_ERRORS},
            operation_id="cycle_league", summary="Get a cycle's league tables")
def cycle_league(request, cycle: str = slug_path("The cycle's slug"),
                 group: str = group_query()):
    """
    The league table of each peer group of a named cycle (groups by label), as its page shows
    them: tie-aware ranks of the published weighted total, group sizes, percentiles, maturity
    and change since the previous cycle. `group` keeps one peer group (as
    `/assessments/<cycle>/groups/<group>/`). Organisations in no peer group are in no table.
    404 for an anonymised, private or unpublished cycle.
    """
    api_user(request)
    check_query(request, ("group",))
    found = public_cycle_or_404(cycle, named=True)
    _peer_groups(found, group)
    results = cycle_results(cycle=found)
    groups = [g for g in results.league if not group or g.slug == group]
    return {"cycle": found.slug, "group_basis": found.group_basis, "groups": [{
        "label": g.label, "slug": g.slug,
        "entries": [{
            "rank": e.rank, "group_size": e.group_size,
            "organisation": e.participant.organisation.slug,
            "name": e.participant.organisation.name,
            "weighted_percent": _decimal(e.percent), "percentile": _fixed(e.percentile, 1),
            "level": _level(e.score.maturity),
            "change_points": _decimal(e.change.points) if e.change else None,
            "url": request.build_absolute_uri(e.participant.get_absolute_url()),
            "api_url": _url(request, f"/cycles/{found.slug}/scores/"
                                     f"{e.participant.organisation.slug}"),
        } for e in g.entries],
    } for g in groups]}


@router.get("/cycles/{cycle}/index", response={200: IndexOut, **READ_ERRORS},
            operation_id="cycle_index", summary="Get a cycle's composite index")
def cycle_index(request, cycle: str = slug_path("The cycle's slug")):
    """
    The composite index of a named cycle with its rule, as its page shows it: each
    organisation's rank, index (z-scores of question shares averaged up to sections and the
    index) and coverage, and those left out for too little data. 404 for an anonymised,
    private or unpublished cycle.
    """
    api_user(request)
    check_query(request, ())
    found = public_cycle_or_404(cycle, named=True)
    results = cycle_results(cycle=found)
    index = cycle_composite_index(cycle=found, scores=results.scores)
    return {
        "cycle": found.slug,
        "rule": composite_index_rule(),
        "entries": [{"rank": r["rank"], "organisation": r["participant"].organisation.slug,
                     "name": r["participant"].organisation.name,
                     "index": _fixed(r["value"], 3), "coverage": format_exact(r["coverage"])}
                    for r in composite_index_rows(index=index)],
        "excluded": [{"organisation": p.organisation.slug, "coverage": format_exact(share)}
                     for p, share in index.excluded.items()],
    }
