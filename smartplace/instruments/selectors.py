"""Reads for instruments: finding one, its definition, and its methods-layer form."""

from __future__ import annotations

import re

from django.db.models import Count, Prefetch, QuerySet

from smartplace.instruments.definition import definition_to_method
from smartplace.instruments.definition_checks import FORMAT
from smartplace.instruments.files import format_exact, parse_exact
from smartplace.instruments.models import Instrument, MaturityLevel, Option, Question, Section
from smartplace.methods import scoring as m
from smartplace.methods.rounding import ROUNDING_POLICIES


def version_key(version: str) -> tuple:
    """Sort key for versions: numbers compare as numbers ("10" after "9"), the rest as text."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"[._-]", version))


def instrument_with_tree(queryset: QuerySet[Instrument] | None = None) -> QuerySet[Instrument]:
    """Instruments with sections, questions (with options) and maturity levels prefetched."""
    queryset = Instrument.objects.all() if queryset is None else queryset
    return queryset.prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("position")),
        Prefetch("questions", queryset=Question.objects.order_by("position").select_related(
            "section").prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("position")))),
        Prefetch("maturity_levels", queryset=MaturityLevel.objects.order_by("number")),
    )


def instrument_list() -> QuerySet[Instrument]:
    """Every instrument, by name and version, annotated with `section_count`, `question_count`."""
    return Instrument.objects.annotate(
        section_count=Count("sections", distinct=True),
        question_count=Count("questions", distinct=True),
    ).order_by("name", "version", "id")


def instrument_get(*, slug: str, version: str) -> Instrument | None:
    """The instrument with this slug and version, its tree prefetched; None if there is none."""
    return instrument_with_tree(Instrument.objects.filter(slug=slug, version=version)).first()


def instrument_find(*, label: str) -> Instrument:
    """
    The instrument `slug@version`, or the highest version of `slug` (by `version_key`), its
    tree prefetched. Raises Instrument.DoesNotExist with a message naming what exists.
    """
    slug, _, version = label.partition("@")
    candidates = list(Instrument.objects.filter(slug=slug).only("id", "version"))
    if version:
        candidates = [c for c in candidates if c.version == version]
    if not candidates:
        known = ", ".join(i.label for i in Instrument.objects.order_by("slug", "version"))
        raise Instrument.DoesNotExist(
            f"There is no instrument {label!r} (instruments: {known or 'none imported'}).")
    chosen = max(candidates, key=lambda c: version_key(c.version))
    return instrument_with_tree(Instrument.objects.filter(pk=chosen.pk)).get()


def _blank(text: str) -> str | None:
    return text or None


def instrument_definition(*, instrument: Instrument) -> dict:
    """
    The instrument as a definition in normal form: the same dict `definition.definition_read`
    gives for its files, so exporting and reading back is the identity. Use an instrument from
    `instrument_with_tree` to avoid a query per question.
    """
    questions = []
    for q in instrument.questions.all():
        scale = None
        if q.scale_points:
            scale = {"zero_at": q.scale_zero_at, "full_at": q.scale_full_at,
                     "points": q.scale_points}
        questions.append({
            "code": q.code, "section": q.section.code, "kind": q.kind, "text": q.text,
            "hint": q.hint, "weight": q.weight, "max": _blank(q.cap),
            "applies_to": list(q.applies_to) if q.applies_to is not None else None,
            "level": q.level, "continues": q.continues,
            "not_applicable": q.not_applicable_allowed, "scale": scale,
            "options": [{"code": o.code, "label": o.label, "points": o.points,
                         "at_least": _blank(o.at_least), "below": _blank(o.below)}
                        for o in q.options.all()],
        })
    maturity = None
    if instrument.maturity_rule:
        bands = instrument.maturity_rule == Instrument.MaturityRule.BANDS
        maturity = {
            "rule": instrument.maturity_rule,
            "share": _blank(instrument.maturity_share),
            "overall_on": instrument.maturity_overall_on if bands else "weighted",
            "use_published": instrument.maturity_use_published if bands else False,
            "levels": [{"number": lv.number, "name": lv.name, "description": lv.description,
                        "at_least": _blank(lv.at_least)}
                       for lv in instrument.maturity_levels.all()],
        }
    group_codes = [g["code"] for g in instrument.groups]
    return {
        "format": FORMAT,
        "slug": instrument.slug,
        "version": instrument.version,
        "name": instrument.name,
        "description": instrument.description,
        "source": {"title": instrument.source, "url": instrument.source_url},
        "attribution": instrument.attribution,
        "licence": {"name": instrument.licence, "url": instrument.licence_url},
        "groups": [{"code": g["code"], "name": g.get("name", "")} for g in instrument.groups],
        "rounding": {"policy": instrument.rounding_policy,
                     "places": instrument.rounding_places},
        "sections": [{"code": s.code, "title": s.title, "description": s.description,
                      "weight": _blank(s.weight),
                      "group_weights": {g: s.group_weights[g] for g in group_codes
                                        if g in s.group_weights}}
                     for s in instrument.sections.all()],
        "maturity": maturity,
        "questions": questions,
    }


def instrument_to_method(*, instrument: Instrument) -> m.Instrument:
    """
    The `smartplace.methods.scoring.Instrument` of a stored instrument: the one place that
    turns the database rows into what the methods layer scores. It goes through the same
    definition as a file, so a file and its import score identically.
    """
    return definition_to_method(definition=instrument_definition(instrument=instrument))


def _points_text(question: m.Question) -> str:
    """How a question earns points, in words: "yes 1, no 0" or "bands: …" or "a scale …"."""
    if question.kind is m.QuestionKind.TEXT:
        return ""
    if question.kind is m.QuestionKind.NUMBER and question.scale is not None:
        s = question.scale
        return (f"0 at {format_exact(s.zero_at)}, {format_exact(s.points)} at "
                f"{format_exact(s.full_at)}, in a straight line between")
    if question.kind is m.QuestionKind.NUMBER:
        parts = []
        for band in question.bands:
            if band.at_least is not None and band.below is not None:
                where = f"{format_exact(band.at_least)} to below {format_exact(band.below)}"
            elif band.at_least is not None:
                where = f"{format_exact(band.at_least)} or more"
            elif band.below is not None:
                where = f"below {format_exact(band.below)}"
            else:
                where = "any number"
            parts.append(f"{where}: {format_exact(band.points)}")
        return "; ".join(parts)
    text = ", ".join(f"{o.label or o.code} {format_exact(o.points)}" for o in question.options)
    if question.cap is not None:
        text += f" (added up, at most {format_exact(question.cap)})"
    return text


def instrument_methodology(*, instrument: Instrument) -> dict:
    """
    What the methodology page shows, built from the instrument itself: its sections with their
    weights per group and their questions (how each earns points, its weighted maximum, who it
    applies to, the level it evidences), the maturity levels and the rounding policy. Maxima
    come from the methods layer, so they are the ones scoring uses.
    """
    method = instrument_to_method(instrument=instrument)
    groups = [(g["code"], g.get("name") or g["code"]) for g in instrument.groups]
    questions = {q.code: q for q in method.questions}
    weights_by_group = {code: m.section_weights(instrument=method, group=code)
                        for code, _ in groups} if groups else {}
    default_weights = m.section_weights(instrument=method, group=None)
    sections = []
    for section in instrument.sections.all():
        rows = []
        for question in (q for q in instrument.questions.all() if q.section_id == section.pk):
            scored = questions[question.code]
            applies = ([dict(groups).get(g, g) for g in question.applies_to]
                       if question.applies_to is not None else [])
            rows.append({
                "question": question,
                "points": _points_text(scored),
                "maximum": format_exact(scored.maximum) if scored.scored else "",
                "weight": question.weight,
                "applies_to": applies,
            })
        weights = [{"group": name,
                    "weight": _weight_text(weights_by_group[code][section.code])}
                   for code, name in groups]
        sections.append({"section": section, "questions": rows,
                         "weight": _weight_text(default_weights[section.code]),
                         "weights": weights})
    has_weights = any(s.weight is not None or s.group_weights for s in method.sections)
    policy = ROUNDING_POLICIES[instrument.rounding_policy]
    return {
        "sections": sections,
        "groups": groups,
        "has_weights": has_weights,
        "group_weights_differ": bool(groups) and has_weights and len(
            {tuple(sorted((k, str(v)) for k, v in w.items()))
             for w in weights_by_group.values()}) > 1,
        "levels": [{"number": lv.number, "name": lv.name, "description": lv.description,
                    "from_percent": (format_exact(parse_exact(lv.at_least) * 100) + "%"
                                     if lv.at_least else "")}
                   for lv in instrument.maturity_levels.all()],
        "rounding": policy,
        "question_count": len(questions),
    }


def _weight_text(weight) -> str:
    return "" if weight is None else format_exact(weight)


def instrument_question_rows(*, instrument: Instrument) -> list[dict]:
    """One row per question for the methodology page's CSV and JSON twins."""
    method = instrument_to_method(instrument=instrument)
    scored = {q.code: q for q in method.questions}
    return [
        {
            "section": q.section.code, "section_title": q.section.title,
            "question": q.code, "position": i + 1, "kind": q.kind, "text": q.text,
            "hint": q.hint, "weight": q.weight,
            "maximum": format_exact(scored[q.code].maximum) if scored[q.code].scored else "",
            "points": _points_text(scored[q.code]),
            "applies_to": ";".join(q.applies_to) if q.applies_to is not None else "",
            "not_applicable_allowed": q.not_applicable_allowed, "level": q.level,
            "continues": q.continues,
        }
        for i, q in enumerate(instrument.questions.all())
    ]
