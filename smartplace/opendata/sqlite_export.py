"""
The whole site's public data as one SQLite database, built with the standard library.

Only what anyone may see: public initiatives (and only their links), organisations, places,
coalitions, frameworks, smart questions (never declined ones) and which public initiatives
answer them, people who consented to a public profile with their active memberships, the
assessment cycles whose results are public, and for those published with organisations named
their results, section scores and answers (the rows of their data packages). Never private
initiatives, never anyone without consent, never email addresses, never an unpublished or
private cycle, nothing per organisation of an anonymised one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
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


def _cell(value: Any) -> Any:
    value = plain(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def _write(db: sqlite3.Connection, name: str, columns: list[str], rows: Iterable[dict],
           *, primary_key: list[str] | None = None, integers: Iterable[str] = ()) -> int:
    integer_columns = set(integers) | {c for c in columns if c.endswith("_id") or c == "id"}
    definitions = [f'"{c}" {"INTEGER" if c in integer_columns else "TEXT"}' for c in columns]
    if primary_key:
        definitions.append(f"PRIMARY KEY ({', '.join(primary_key)})")
    db.execute(f'CREATE TABLE "{name}" ({", ".join(definitions)})')
    sql = f'INSERT INTO "{name}" VALUES ({", ".join("?" for _ in columns)})'
    iterator = iter(rows)
    count = 0
    while batch := list(islice(iterator, CHUNK)):
        db.executemany(sql, [[_cell(row.get(c)) for c in columns] for row in batch])
        count += len(batch)
    return count


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
            primary_key=["register_code"], integers=["current", "population"])
        counts["coalitions"] = _write(db, "coalitions", [
            "slug", "name", "description", "place_code", "framework_id", "licence", "is_demo",
            "url"], ({
                "slug": c.slug, "name": c.name, "description": c.description,
                "place_code": c.place.url_code if c.place else None,
                "framework_id": c.framework_id, "licence": c.licence["name"],
                "is_demo": c.is_demo, "url": absolute(c.get_absolute_url()),
            } for c in Coalition.objects.select_related("place").order_by("slug")),
            primary_key=["slug"], integers=["is_demo"])
        counts["frameworks"] = _write(db, "frameworks", [
            "id", "slug", "version", "name", "description", "coalition_slug", "licence"], ({
                "id": f.pk, "slug": f.slug, "version": f.version, "name": f.name,
                "description": f.description,
                "coalition_slug": f.coalition.slug if f.coalition else None,
                "licence": f.licence,
            } for f in Framework.objects.select_related("coalition").order_by("pk")),
            primary_key=["id"])
        counts["domains"] = _write(db, "domains", [
            "id", "framework_id", "slug", "name", "description", "group", "position"],
            Domain.objects.order_by("pk").values(
                "id", "framework_id", "slug", "name", "description", "group", "position"
            ).iterator(chunk_size=CHUNK), primary_key=["id"], integers=["position"])
        counts["subdomains"] = _write(db, "subdomains", [
            "id", "domain_id", "slug", "name", "description", "position", "illustrative"], ({
                **row, "illustrative": row.pop("is_illustrative")}
                for row in SubDomain.objects.order_by("pk").values(
                    "id", "domain_id", "slug", "name", "description", "position",
                    "is_illustrative").iterator(chunk_size=CHUNK)),
            primary_key=["id"], integers=["position", "illustrative"])
        counts["smart_questions"] = _write(db, "smart_questions", [
            "id", "domain_id", "text", "status", "position", "supporters"], ({
                **row, "supporters": row.pop("supporter_count")}
                for row in smart_question_list_visible(user=None)
                .annotate(supporter_count=Count("supports")).order_by("pk")
                .values("id", "domain_id", "text", "status", "position", "supporter_count")
                .iterator(chunk_size=CHUNK)),
            primary_key=["id"], integers=["position", "supporters"])
        counts["organisations"] = _write(db, "organisations", [
            "slug", "name", "sector", "website", "place_code", "gss_code",
            "companies_house_number", "charity_number", "url"], ({
                "slug": o.slug, "name": o.name, "sector": o.sector, "website": o.website,
                "place_code": o.place.url_code if o.place else None,
                "gss_code": (o.place.gss_code or None) if o.place else None,
                "companies_house_number": o.companies_house_number,
                "charity_number": o.charity_number, "url": absolute(o.get_absolute_url()),
            } for o in Organisation.objects.select_related("place").order_by("slug")
                .iterator(chunk_size=CHUNK)), primary_key=["slug"])
        initiatives = initiative_list_for_display(public_initiatives().order_by("pk"))
        counts["initiatives"] = _write(
            db, "initiatives", [*INITIATIVE_COLUMNS, "coalition"],
            initiative_rows(initiatives, absolute=absolute),
            primary_key=["id"])
        counts["initiative_organisations"] = _write(
            db, "initiative_organisations", ["initiative_id", "organisation_slug", "role"],
            _organisation_links(public_ids), primary_key=["initiative_id", "organisation_slug",
                                                          "role"])
        counts["initiative_subdomains"] = _write(
            db, "initiative_subdomains", ["initiative_id", "subdomain_id"],
            ({"initiative_id": i, "subdomain_id": s} for i, s in SubDomainLink.objects.filter(
                initiative__in=public_ids).order_by("initiative_id", "subdomain_id")
             .values_list("initiative_id", "subdomain_id").iterator(chunk_size=CHUNK)),
            primary_key=["initiative_id", "subdomain_id"])
        counts["initiative_smart_questions"] = _write(
            db, "initiative_smart_questions", ["initiative_id", "question_id"],
            ({"initiative_id": i, "question_id": q} for i, q in QuestionAnswer.objects.filter(
                initiative__in=public_ids,
                question__in=smart_question_list_visible(user=None).order_by().values("pk"),
            ).order_by("initiative_id", "question_id")
             .values_list("initiative_id", "question_id").iterator(chunk_size=CHUNK)),
            primary_key=["initiative_id", "question_id"])
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
            ).select_related("coalition", "organisation").order_by("pk")))
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
            primary_key=["slug"], integers=["organisations", "demo"]),
        "assessment_results": _write(
            db, "assessment_results", RESULT_COLUMNS, each(CycleData.result_rows),
            primary_key=["cycle", "organisation"],
            integers=["level", "rank_in_peer_group", "peer_group_size",
                      "change_questions_compared"]),
        "assessment_section_scores": _write(
            db, "assessment_section_scores", SECTION_SCORE_COLUMNS,
            each(CycleData.section_score_rows), primary_key=["cycle", "organisation", "section"],
            integers=["level"]),
        "assessment_answers": _write(
            db, "assessment_answers", ANSWER_COLUMNS, each(CycleData.answer_rows),
            primary_key=["cycle", "organisation", "question"]),
    }
