"""
The whole site's public data as one SQLite database, built with the standard library.

Only what anyone may see: public initiatives (and only their links), organisations, places,
coalitions, frameworks, smart questions (never declined ones) and which public initiatives
answer them, people who consented to a public profile with their active memberships, the
assessment cycles whose results are public, and for those published with organisations named
their results, section scores and answers (the rows of their data packages). Never private
initiatives, never anyone without consent, never email addresses, never an unpublished or
private cycle, nothing per organisation of an anonymised one.

Columns are typed as SQLite tools expect: ids, counts and positions INTEGER; booleans INTEGER
0 or 1; money and other decimal figures NUMERIC (stored by SQLite as INTEGER when whole, else
REAL: every figure the site stores has at most 14 significant digits, so it reads back as the
same decimal); dates and times TEXT in ISO 8601, SQLite's convention; exact numbers of a cycle
(points, maxima, fractions, weights: `1/3`) TEXT in exact normal form, as its package writes
them. Tables that refer to each other declare FOREIGN KEY constraints, which every row meets
(`PRAGMA foreign_key_check` finds nothing).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any

from django.db.models import Count

from smartplace.assessments.selectors import cycle_public_list
from smartplace.coalitions.models import Coalition
from smartplace.core.formats import plain
from smartplace.frameworks.models import Domain, Framework, SubDomain
from smartplace.frameworks.selectors import smart_question_list_visible
from smartplace.initiatives.models import Initiative
from smartplace.initiatives.selectors import (
    INITIATIVE_COLUMNS,
    PartnerLink,
    SubDomainLink,
    initiative_list_for_display,
    initiative_rows,
)
from smartplace.insights.models_gaps import QuestionAnswer
from smartplace.opendata.datasets.cycle_rows import CycleData
from smartplace.opendata.datasets.cycles import cycle_licence
from smartplace.organisations.models import Organisation
from smartplace.people.models import Membership, Person
from smartplace.places.models import Place

CHUNK = 2000
INTEGER, NUMERIC = "INTEGER", "NUMERIC"

#: A foreign key: (columns of this table, the table referred to, its columns).
ForeignKey = tuple[tuple[str, ...], str, tuple[str, ...]]


def _number(value: Decimal) -> int | float | str:
    """A decimal as SQLite stores it in a NUMERIC column: an integer when whole, else a float
    when that reads back as the same decimal, else (more than 15 significant digits, which no
    figure of the site has) its exact text."""
    if value == value.to_integral_value():
        return int(value)
    number = float(value)
    return number if Decimal(repr(number)) == value else format(value, "f")


def _cell(value: Any, affinity: str) -> Any:
    if affinity == NUMERIC and isinstance(value, Decimal):
        return _number(value)
    value = plain(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def _write(db: sqlite3.Connection, name: str, columns: list[str], rows: Iterable[dict],
           *, primary_key: list[str] | None = None, types: Mapping[str, str] | None = None,
           foreign_keys: Iterable[ForeignKey] = ()) -> int:
    """
    Create table `name` and write `rows` to it, CHUNK at a time. A column's type is given in
    `types`, else INTEGER for `id` and `…_id`, else TEXT; `foreign_keys` become FOREIGN KEY
    constraints. Returns the number of rows written.
    """
    affinities = [(types or {}).get(c) or (INTEGER if c == "id" or c.endswith("_id")
                                           else "TEXT") for c in columns]
    definitions = [f'"{c}" {a}' for c, a in zip(columns, affinities, strict=True)]
    if primary_key:
        definitions.append(f"PRIMARY KEY ({', '.join(primary_key)})")
    for own, table, theirs in foreign_keys:
        definitions.append(f"FOREIGN KEY ({', '.join(own)}) REFERENCES \"{table}\" "
                           f"({', '.join(theirs)})")
    db.execute(f'CREATE TABLE "{name}" ({", ".join(definitions)})')
    sql = f'INSERT INTO "{name}" VALUES ({", ".join("?" for _ in columns)})'
    iterator = iter(rows)
    count = 0
    while batch := list(islice(iterator, CHUNK)):
        db.executemany(sql, [[_cell(row.get(c), a) for c, a in zip(columns, affinities,
                                                                       strict=True)]
                             for row in batch])
        count += len(batch)
    return count


#: The initiatives' decimal figures (money in pounds, tonnes of CO2e): NUMERIC.
MONEY_COLUMNS = ["capital_cost", "annual_cost", "annual_savings", "emission_savings_tco2e"]
INITIATIVE_KEY: ForeignKey = (("initiative_id",), "initiatives", ("id",))


def public_initiatives():
    return Initiative.objects.public()


def site_sqlite_write(*, path: Path | str, absolute: Callable[[str], str]) -> dict[str, int]:
    """Write the public data to a new SQLite file at `path`; returns rows per table."""
    db = sqlite3.connect(str(path))
    counts: dict[str, int] = {}
    public_ids = public_initiatives().values("pk")
    try:
        counts["places"] = _write(db, "places", [
            "register_code", "gss_code", "name", "short_name", "type", "nation", "region",
            "parent_code", "start_date", "end_date", "current", "population"], ({
                "register_code": p.register_code, "gss_code": p.gss_code, "name": p.name,
                "short_name": p.short_name, "type": p.place_type_name, "nation": p.nation,
                "region": p.region, "parent_code": p.parent.register_code if p.parent else None,
                "start_date": p.start_date, "end_date": p.end_date, "current": p.is_current,
                "population": p.population,
            } for p in Place.objects.select_related("parent").order_by("register_code")
                .iterator(chunk_size=CHUNK)),
            primary_key=["register_code"], types={"current": INTEGER, "population": INTEGER},
            foreign_keys=[(("parent_code",), "places", ("register_code",))])
        counts["coalitions"] = _write(db, "coalitions", [
            "slug", "name", "description", "place_code", "framework_id", "licence", "is_demo",
            "url", "place_register_code"], ({
                "slug": c.slug, "name": c.name, "description": c.description,
                "place_code": c.place.url_code if c.place else None,
                "framework_id": c.framework_id, "licence": c.licence["name"],
                "is_demo": c.is_demo, "url": absolute(c.get_absolute_url()),
                "place_register_code": c.place.register_code if c.place else None,
            } for c in Coalition.objects.select_related("place").order_by("slug")),
            primary_key=["slug"], types={"is_demo": INTEGER},
            foreign_keys=[(("place_register_code",), "places", ("register_code",)),
                          (("framework_id",), "frameworks", ("id",))])
        counts["frameworks"] = _write(db, "frameworks", [
            "id", "slug", "version", "name", "description", "coalition_slug", "licence"], ({
                "id": f.pk, "slug": f.slug, "version": f.version, "name": f.name,
                "description": f.description,
                "coalition_slug": f.coalition.slug if f.coalition else None,
                "licence": f.licence,
            } for f in Framework.objects.select_related("coalition").order_by("pk")),
            primary_key=["id"], foreign_keys=[(("coalition_slug",), "coalitions", ("slug",))])
        counts["domains"] = _write(db, "domains", [
            "id", "framework_id", "slug", "name", "description", "group", "position"],
            Domain.objects.order_by("pk").values(
                "id", "framework_id", "slug", "name", "description", "group", "position"
            ).iterator(chunk_size=CHUNK), primary_key=["id"], types={"position": INTEGER},
            foreign_keys=[(("framework_id",), "frameworks", ("id",))])
        counts["subdomains"] = _write(db, "subdomains", [
            "id", "domain_id", "slug", "name", "description", "position", "illustrative"], ({
                **row, "illustrative": row.pop("is_illustrative")}
                for row in SubDomain.objects.order_by("pk").values(
                    "id", "domain_id", "slug", "name", "description", "position",
                    "is_illustrative").iterator(chunk_size=CHUNK)),
            primary_key=["id"], types={"position": INTEGER, "illustrative": INTEGER},
            foreign_keys=[(("domain_id",), "domains", ("id",))])
        counts["smart_questions"] = _write(db, "smart_questions", [
            "id", "domain_id", "text", "status", "position", "supporters"], ({
                **row, "supporters": row.pop("supporter_count")}
                for row in smart_question_list_visible(user=None)
                .annotate(supporter_count=Count("supports")).order_by("pk")
                .values("id", "domain_id", "text", "status", "position", "supporter_count")
                .iterator(chunk_size=CHUNK)),
            primary_key=["id"], types={"position": INTEGER, "supporters": INTEGER},
            foreign_keys=[(("domain_id",), "domains", ("id",))])
        counts["organisations"] = _write(db, "organisations", [
            "slug", "name", "sector", "website", "place_code", "gss_code",
            "companies_house_number", "charity_number", "url", "place_register_code"], ({
                "slug": o.slug, "name": o.name, "sector": o.sector, "website": o.website,
                "place_code": o.place.url_code if o.place else None,
                "gss_code": (o.place.gss_code or None) if o.place else None,
                "companies_house_number": o.companies_house_number,
                "charity_number": o.charity_number, "url": absolute(o.get_absolute_url()),
                "place_register_code": o.place.register_code if o.place else None,
            } for o in Organisation.objects.select_related("place").order_by("slug")
                .iterator(chunk_size=CHUNK)), primary_key=["slug"],
            foreign_keys=[(("place_register_code",), "places", ("register_code",))])
        initiatives = initiative_list_for_display(public_initiatives().order_by("pk"))
        counts["initiatives"] = _write(
            db, "initiatives", [*INITIATIVE_COLUMNS, "coalition"],
            initiative_rows(initiatives, absolute=absolute),
            primary_key=["id"], types=dict.fromkeys(MONEY_COLUMNS, NUMERIC),
            foreign_keys=[(("coalition",), "coalitions", ("slug",))])
        counts["initiative_organisations"] = _write(
            db, "initiative_organisations", ["initiative_id", "organisation_slug", "role"],
            _organisation_links(public_ids), primary_key=["initiative_id", "organisation_slug",
                                                          "role"],
            foreign_keys=[INITIATIVE_KEY, (("organisation_slug",), "organisations", ("slug",))])
        counts["initiative_subdomains"] = _write(
            db, "initiative_subdomains", ["initiative_id", "subdomain_id"],
            ({"initiative_id": i, "subdomain_id": s} for i, s in SubDomainLink.objects.filter(
                initiative__in=public_ids).order_by("initiative_id", "subdomain_id")
             .values_list("initiative_id", "subdomain_id").iterator(chunk_size=CHUNK)),
            primary_key=["initiative_id", "subdomain_id"],
            foreign_keys=[INITIATIVE_KEY, (("subdomain_id",), "subdomains", ("id",))])
        counts["initiative_smart_questions"] = _write(
            db, "initiative_smart_questions", ["initiative_id", "question_id"],
            ({"initiative_id": i, "question_id": q} for i, q in QuestionAnswer.objects.filter(
                initiative__in=public_ids,
                question__in=smart_question_list_visible(user=None).order_by().values("pk"),
            ).order_by("initiative_id", "question_id")
             .values_list("initiative_id", "question_id").iterator(chunk_size=CHUNK)),
            primary_key=["initiative_id", "question_id"],
            foreign_keys=[INITIATIVE_KEY, (("question_id",), "smart_questions", ("id",))])
        people = Person.objects.public()
        counts["people"] = _write(db, "people", ["id", "name", "job_title"],
                                  people.order_by("pk").values("id", "name", "job_title")
                                  .iterator(chunk_size=CHUNK), primary_key=["id"])
        counts["memberships"] = _write(
            db, "memberships", ["person_id", "coalition_slug", "role", "organisation_slug"], ({
                "person_id": m.person_id, "coalition_slug": m.coalition.slug, "role": m.role,
                "organisation_slug": m.organisation.slug if m.organisation else None,
            } for m in Membership.objects.filter(
                person__in=people, status=Membership.Status.ACTIVE,
            ).select_related("coalition", "organisation").order_by("pk")),
            foreign_keys=[(("person_id",), "people", ("id",)),
                          (("coalition_slug",), "coalitions", ("slug",)),
                          (("organisation_slug",), "organisations", ("slug",))])
        counts.update(_assessment_tables(db, absolute))
        db.commit()
    finally:
        db.close()
    return counts


def _organisation_links(public_ids) -> Iterable[dict]:
    leads = Initiative.objects.filter(pk__in=public_ids, lead_organisation__isnull=False)
    for pk, slug in leads.order_by("pk").values_list("pk", "lead_organisation__slug").iterator(
            chunk_size=CHUNK):
        yield {"initiative_id": pk, "organisation_slug": slug, "role": "lead"}
    for pk, slug in PartnerLink.objects.filter(initiative__in=public_ids).order_by(
            "initiative_id", "organisation__slug").values_list(
            "initiative_id", "organisation__slug").iterator(chunk_size=CHUNK):
        yield {"initiative_id": pk, "organisation_slug": slug, "role": "partner"}


CYCLE_COLUMNS = ["slug", "name", "description", "instrument", "policy", "peer_groups_by",
                 "opens_on", "closes_on", "published_at", "previous_cycle", "organisations",
                 "demo", "licence", "url", "methodology_url"]
RESULT_COLUMNS = ["cycle", "organisation", "points", "maximum", "raw_fraction", "raw_percent",
                  "weighted_fraction", "weighted_percent", "level", "level_name", "peer_group",
                  "rank_in_peer_group", "peer_group_size", "percentile_in_peer_group",
                  "change_points", "change_previous_percent", "change_current_percent",
                  "change_questions_compared", "change_questions_not_compared"]
SECTION_SCORE_COLUMNS = ["cycle", "organisation", "section", "points", "maximum", "fraction",
                         "percent", "weight", "level", "level_name"]
CYCLE_KEY: ForeignKey = (("cycle",), "assessment_cycles", ("slug",))
#: A row of one published organisation in one cycle: its results row.
RESULT_KEY: ForeignKey = (("cycle", "organisation"), "assessment_results",
                          ("cycle", "organisation"))
ANSWER_COLUMNS = ["cycle", "organisation", "question", "answer", "evidence_url",
                  "evidence_page", "evidence_quote"]


def _assessment_tables(db: sqlite3.Connection, absolute: Callable[[str], str]
                       ) -> dict[str, int]:
    """The public cycles; results, section scores and answers of the named ones, as their
    data packages give them (`CycleData`), with a `cycle` column."""
    cycles = [(cycle, CycleData(cycle, absolute))
              for cycle in cycle_public_list().select_related("previous")]
    named = [(cycle, data) for cycle, data in cycles if cycle.is_named]

    def each(rows_of) -> Iterable[dict]:
        for cycle, data in named:
            for row in rows_of(data):
                yield {"cycle": cycle.slug, **row}

    return {
        "assessment_cycles": _write(
            db, "assessment_cycles", CYCLE_COLUMNS,
            ({**row, "licence": cycle_licence(cycle)["name"]}
             for cycle, data in cycles for row in data.cycle_rows()),
            primary_key=["slug"], types={"organisations": INTEGER, "demo": INTEGER},
            foreign_keys=[(("previous_cycle",), "assessment_cycles", ("slug",))]),
        "assessment_results": _write(
            db, "assessment_results", RESULT_COLUMNS, each(CycleData.result_rows),
            primary_key=["cycle", "organisation"],
            types={**dict.fromkeys(["level", "rank_in_peer_group", "peer_group_size",
                                     "change_questions_compared"], INTEGER),
                   **dict.fromkeys(["raw_percent", "weighted_percent",
                                    "percentile_in_peer_group", "change_points",
                                    "change_previous_percent", "change_current_percent"],
                                   NUMERIC)},
            foreign_keys=[CYCLE_KEY, (("organisation",), "organisations", ("slug",))]),
        "assessment_section_scores": _write(
            db, "assessment_section_scores", SECTION_SCORE_COLUMNS,
            each(CycleData.section_score_rows), primary_key=["cycle", "organisation", "section"],
            types={"level": INTEGER, "percent": NUMERIC}, foreign_keys=[RESULT_KEY]),
        "assessment_answers": _write(
            db, "assessment_answers", ANSWER_COLUMNS, each(CycleData.answer_rows),
            primary_key=["cycle", "organisation", "question"], foreign_keys=[RESULT_KEY]),
    }
