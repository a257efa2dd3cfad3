"""
Instruments: questionnaires with their scoring methods, as data. Every instrument is public
(its methodology page is), so these reads need no token.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema

from smartplace.api.auth import api_user
from smartplace.api.errors import READ_ERRORS
from smartplace.api.pagination import cursor_paginate
from smartplace.api.params import check_query, cursor_query, limit_query, slug_path
from smartplace.api.schemas import Licence, Source
from smartplace.instruments.models import Instrument
from smartplace.instruments.selectors import instrument_definition, instrument_question_rows
from smartplace.instruments.selectors import instrument_get as instrument_query
from smartplace.instruments.selectors import instrument_list as instrument_list_query

router = Router(tags=["instruments"])

#: Instrument versions in addresses (as `smartplace-instrument/1` allows them).
VERSION_PATTERN = r"^[-a-zA-Z0-9_.]+$"


def version_path():
    return Path(..., pattern=VERSION_PATTERN, max_length=30,
                description="The instrument's version, e.g. 2026 or 1.1.")


class InstrumentSummary(Schema):
    slug: str
    version: str
    name: str
    builtin: bool
    sections: int
    questions: int
    source: str
    url: str
    api_url: str


class InstrumentPage(Schema):
    items: list[InstrumentSummary]
    next: str | None


class GroupOut(Schema):
    code: str
    name: str


class Rounding(Schema):
    """The named rounding policy of published figures (docs/methods/scoring.md)."""

    policy: str
    places: int


class SectionOut(Schema):
    """Weights are exact numbers as strings ("0.4", "1/3"); null: not given."""

    code: str
    title: str
    description: str
    weight: str | None
    group_weights: dict[str, str]


class LevelOut(Schema):
    number: int
    name: str
    description: str
    at_least: str | None


class MaturityOut(Schema):
    rule: str
    share: str | None
    overall_on: str
    use_published: bool
    levels: list[LevelOut]


class ScaleOut(Schema):
    zero_at: str
    full_at: str
    points: str


class OptionOut(Schema):
    code: str
    label: str
    points: str
    at_least: str | None
    below: str | None


class QuestionOut(Schema):
    """A question as in `questions.csv` and `options.csv`, plus how it scores: `maximum` (its
    weighted maximum, null for a text question) and `scoring` (in words, as the methodology
    page says it)."""

    code: str
    section: str
    kind: str
    text: str
    hint: str
    weight: str
    max: str | None
    applies_to: list[str] | None
    level: int | None
    continues: str
    not_applicable: bool
    scale: ScaleOut | None
    options: list[OptionOut]
    maximum: str | None
    scoring: str


class InstrumentOut(Schema):
    """An instrument as a `smartplace-instrument/1` definition (docs/instruments.md); the
    licence is the one its results are published under (the site's default when the
    instrument names none)."""

    format: str
    slug: str
    version: str
    name: str
    description: str
    source: Source
    attribution: str
    licence: Licence
    groups: list[GroupOut]
    rounding: Rounding
    sections: list[SectionOut]
    maturity: MaturityOut | None
    questions: list[QuestionOut]
    url: str


def instrument_licence(instrument: Instrument) -> dict[str, str]:
    """The licence an instrument's results are published under, as the web pages give it."""
    if instrument.licence:
        return {"name": instrument.licence, "url": instrument.licence_url}
    default = settings.SMARTPLACE_DEFAULT_LICENCE
    return {"name": default["name"], "url": default["url"]}


@router.get("/instruments", response={200: InstrumentPage, **READ_ERRORS},
            operation_id="instrument_list", summary="List instruments")
def instrument_list(request, cursor: str | None = cursor_query(), limit: int = limit_query()):
    """Every instrument (questionnaire with its scoring method), by name and version, with its
    sections and questions counted, as `/instruments/` lists them."""
    api_user(request)
    check_query(request, (), paged=True)
    rows, nxt = cursor_paginate(request, instrument_list_query(), keys=("name", "version", "pk"),
                                limit=limit, cursor=cursor)
    return {"items": [{
        "slug": i.slug, "version": i.version, "name": i.name, "builtin": i.is_builtin,
        "sections": i.section_count, "questions": i.question_count, "source": i.source,
        "url": request.build_absolute_uri(i.get_absolute_url()),
        "api_url": request.build_absolute_uri(f"{request.path}/{i.slug}/{i.version}"),
    } for i in rows], "next": nxt}


@router.get("/instruments/{instrument}/{version}", response={200: InstrumentOut, **READ_ERRORS},
            operation_id="instrument_get", summary="Get an instrument")
def instrument_get(request, instrument: str = slug_path("The instrument's slug"),
               version: str = version_path()):
    """
    One instrument as data, as its methodology page and `smartplace export-instrument` give
    it: groups, sections with their weights, every question with its options, bands or scale,
    weight, cap, applicability and maturity level, the maturity rule and levels, and the
    rounding policy. Exact numbers are strings ("0.4", "-2", "1/3").
    """
    api_user(request)
    check_query(request, ())
    found = instrument_query(slug=instrument, version=version)
    if found is None:
        raise Http404(_("There is no instrument at this address."))
    definition = instrument_definition(instrument=found)
    scored = {row["question"]: row for row in instrument_question_rows(instrument=found)}
    for question in definition["questions"]:
        row = scored[question["code"]]
        question["maximum"] = row["maximum"] or None
        question["scoring"] = row["points"]
    return {**definition, "licence": instrument_licence(found),
            "url": request.build_absolute_uri(found.get_absolute_url())}
