"""
A coalition's data package: its public initiatives, the organisations working on them, and its
domain model, with the links between them. Only what anyone may see: public initiatives,
counts of public initiatives, smart questions that are not declined (and which public
initiatives help to answer them), no people.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from smartplace.coalitions.models import Coalition
from smartplace.coalitions.selectors import organisation_list_for_coalition
from smartplace.frameworks.models import Domain, SubDomain
from smartplace.frameworks.selectors import smart_question_list_visible
from smartplace.initiatives.models import Initiative
from smartplace.initiatives.selectors import (
    INITIATIVE_COLUMNS,
    PartnerLink,
    SubDomainLink,
    initiative_last_updated,
    initiative_list_filtered,
    initiative_rows,
)
from smartplace.insights.models_gaps import QuestionAnswer
from smartplace.opendata.packages import Column, ForeignKey, Package, Table
from smartplace.opendata.registry import DatasetMeta
from smartplace.organisations.models import Sector

KIND = "coalitions"
#: `smartplace make-data-release --coalition SLUG`
RELEASE_OPTION = "coalition"
RELEASE_HELP = "the coalition's slug, as in its address"
RELEASE_UNKNOWN = "There is no coalition with the slug “{key}”."
CHUNK = 2000
STATUSES = [value for value, _label in Initiative.Status.choices]
SECTORS = [value for value, _label in Sector.choices]

INITIATIVE_DESCRIPTIONS = {
    "id": ("integer", "Number of the initiative on this site."),
    "slug": ("string", "Name of the initiative in its address."),
    "url": ("uri", "Its page."),
    "title": ("string", "Title."),
    "description": ("string", "What it does, for whom, and what has happened so far."),
    "status": ("string", "idea, planned, active, completed or stopped."),
    "start_date": ("date", "When it started (ISO 8601)."),
    "end_date": ("date", "When it ended or is planned to end (ISO 8601)."),
    "lead_organisation": ("string", "Name of the lead organisation."),
    "lead_organisation_sector": ("string", "Sector of the lead organisation."),
    "partners": ("string", "Names of the partner organisations."),
    "subdomains": ("string", "Sub-domains it serves, as domain/sub-domain slugs."),
    "visibility": ("string", "Always “public” in open data."),
    "updated_at": ("datetime", "When the record last changed."),
    "capital_cost": ("number", "Cost in pounds sterling."),
    "annual_cost": ("number", "Running cost a year in pounds sterling."),
    "annual_savings": ("number", "Savings a year in pounds sterling."),
    "emission_savings_tco2e": ("number", "Emission savings, tonnes CO2e a year."),
}


#: GSS codes (ONS): a letter for the nation, two digits for the entity, six for the area.
GSS_PATTERN = "[A-Z][0-9]{8}"
COALITION_COLUMNS = [
    Column("slug", "string", "Name of the coalition in its address; the key.", required=True,
           unique=True),
    Column("name", "string", "Name.", required=True),
    Column("description", "string", "What it is."),
    Column("licence", "string", "Licence of its open data.", required=True),
    Column("licence_url", "uri", "The licence's text.", required=True),
    Column("url", "uri", "Its page.", required=True),
    Column("place_name", "string", "Official name of the place it works for, a UK local "
                                   "authority (empty when it has none)."),
    Column("place_type", "string", "Kind of authority, as the register names it (e.g. "
                                   "Metropolitan district)."),
    Column("place_code", "string", "The place's code: its GSS code, or its register code "
                                   "where it has no GSS code (as in organisations.csv)."),
    Column("place_gss_code", "string", "ONS GSS code of the place (empty where it has none).",
           pattern=GSS_PATTERN),
    Column("place_register_code", "string", "The place's code in the register of UK local "
                                            "authorities, which every place has."),
]


def coalition_row(coalition: Coalition, *, absolute: Callable[[str], str]) -> dict:
    """The row of coalition.csv: the coalition, its licence and its place's official codes."""
    place = coalition.place
    return {"slug": coalition.slug, "name": coalition.name,
            "description": coalition.description or None,
            "licence": coalition.licence["name"], "licence_url": coalition.licence["url"],
            "url": absolute(coalition.get_absolute_url()),
            "place_name": place.name if place else None,
            "place_type": (place.place_type_name or None) if place else None,
            "place_code": place.url_code if place else None,
            "place_gss_code": (place.gss_code or None) if place else None,
            "place_register_code": place.register_code if place else None}


def _initiative_columns() -> list[Column]:
    columns = []
    for name in INITIATIVE_COLUMNS:
        kind, description = INITIATIVE_DESCRIPTIONS[name]
        columns.append(Column(
            name, kind, description, required=name in ("id", "slug", "url", "title", "status",
                                                       "visibility", "updated_at"),
            unique=name in ("id", "slug"), is_list=name in ("partners", "subdomains"),
            enum=STATUSES if name == "status" else (
                SECTORS if name == "lead_organisation_sector" else (
                    ["public"] if name == "visibility" else None)),
        ))
    return columns


def coalition_initiatives(coalition: Coalition):
    """The coalition's public initiatives as its public list orders them (by title)."""
    return initiative_list_filtered(coalition=coalition, user=AnonymousUser())


def _subdomain_ids(coalition: Coalition) -> Q:
    """The coalition's framework's sub-domains, and any its public initiatives still serve."""
    linked = SubDomainLink.objects.filter(
        initiative__in=coalition_initiatives(coalition).values("pk")).values("subdomain_id")
    return Q(domain__framework_id=coalition.framework_id) | Q(pk__in=linked)


def coalition_package(*, coalition: Coalition, absolute: Callable[[str], str], version: str,
                      created: datetime) -> Package:
    """
    The data package of `coalition` at `version`: coalition.csv (the coalition, its licence and
    its place with the place's official codes), initiatives.csv (the same rows and cells as
    the coalition's /initiatives.csv for a visitor), organisations.csv,
    initiative_organisations.csv, initiative_subdomains.csv, subdomains.csv, domains.csv,
    smart_questions.csv and initiative_smart_questions.csv.
    """
    initiatives = coalition_initiatives(coalition)

    def coalition_rows() -> Iterator[dict]:
        yield coalition_row(coalition, absolute=absolute)

    def initiative_table_rows() -> Iterator[dict]:
        return initiative_rows(initiatives, absolute=absolute)

    def organisation_rows() -> Iterator[dict]:
        organisations = organisation_list_for_coalition(coalition=coalition,
                                                        user=AnonymousUser())
        for o in organisations.iterator(chunk_size=CHUNK):
            yield {"slug": o.slug, "name": o.name, "sector": o.sector, "website": o.website,
                   "place_code": o.place.url_code if o.place else None,
                   "gss_code": (o.place.gss_code or None) if o.place else None,
                   "companies_house_number": o.companies_house_number,
                   "charity_number": o.charity_number,
                   "initiatives_led": o.led_count, "initiatives_partnered": o.partner_count,
                   "url": absolute(o.get_absolute_url())}

    public_ids = initiatives.order_by().values("pk")

    def link_rows() -> Iterator[dict]:
        leads = Initiative.objects.filter(pk__in=public_ids, lead_organisation__isnull=False)
        for pk, slug in leads.order_by("pk").values_list("pk", "lead_organisation__slug"
                                                        ).iterator(chunk_size=CHUNK):
            yield {"initiative_id": pk, "organisation_slug": slug, "role": "lead"}
        partners = PartnerLink.objects.filter(initiative__in=public_ids).order_by(
            "initiative_id", "organisation__slug")
        for pk, slug in partners.values_list("initiative_id", "organisation__slug"
                                             ).iterator(chunk_size=CHUNK):
            yield {"initiative_id": pk, "organisation_slug": slug, "role": "partner"}

    def subdomain_link_rows() -> Iterator[dict]:
        links = SubDomainLink.objects.filter(initiative__in=public_ids).order_by(
            "initiative_id", "subdomain_id")
        for pk, sub in links.values_list("initiative_id", "subdomain_id").iterator(
                chunk_size=CHUNK):
            yield {"initiative_id": pk, "subdomain_id": sub}

    def subdomain_rows() -> Iterator[dict]:
        subdomains = SubDomain.objects.filter(_subdomain_ids(coalition)).select_related(
            "domain").order_by("domain__position", "domain__name", "position", "name", "pk")
        for s in subdomains.iterator(chunk_size=CHUNK):
            yield {"id": s.pk, "domain_id": s.domain_id, "slug": s.slug,
                   "path": f"{s.domain.slug}/{s.slug}", "name": s.name,
                   "description": s.description, "position": s.position,
                   "illustrative": s.is_illustrative}

    domain_filter = (Q(framework_id=coalition.framework_id)
                     | Q(pk__in=SubDomain.objects.filter(_subdomain_ids(coalition))
                         .values("domain_id")))
    questions = smart_question_list_visible(user=AnonymousUser()).filter(
        domain__in=Domain.objects.filter(domain_filter).values("pk"))

    def question_rows() -> Iterator[dict]:
        ordered = questions.order_by("domain__position", "domain__name", "domain_id",
                                     "position", "pk")
        for q in ordered.iterator(chunk_size=CHUNK):
            yield {"id": q.pk, "domain_id": q.domain_id, "text": q.text, "status": q.status,
                   "position": q.position}

    def answer_rows() -> Iterator[dict]:
        answers = QuestionAnswer.objects.filter(
            initiative__in=public_ids, question__in=questions.order_by().values("pk")
        ).order_by("initiative_id", "question_id")
        for pk, question in answers.values_list("initiative_id", "question_id").iterator(
                chunk_size=CHUNK):
            yield {"initiative_id": pk, "question_id": question}

    def domain_rows() -> Iterator[dict]:
        domains = Domain.objects.filter(domain_filter).prefetch_related(Prefetch(
            "questions", queryset=smart_question_list_visible(user=AnonymousUser()))
        ).order_by("position", "name", "pk")
        for d in domains:
            yield {"id": d.pk, "slug": d.slug, "name": d.name, "description": d.description,
                   "group": d.group, "position": d.position,
                   "smart_questions": [q.text for q in d.questions.all()]}

    tables = [
        Table("initiatives", "Initiatives",
              "The coalition's public initiatives, one a row, by title. The same rows and "
              "columns as the coalition's initiatives.csv page.",
              _initiative_columns(), initiative_table_rows, primary_key=["id"]),
        Table("organisations", "Organisations",
              "Organisations leading or partnering in the public initiatives, or whose people "
              "are members, with official identifiers.", [
                  Column("slug", "string", "Name in its address; the key.", required=True,
                         unique=True),
                  Column("name", "string", "Name.", required=True),
                  Column("sector", "string", "public, business, academic, voluntary or other.",
                         required=True, enum=SECTORS),
                  Column("website", "string", "Web site."),
                  Column("place_code", "string", "Code of the place a council governs: its "
                                                 "GSS code, or register code."),
                  Column("gss_code", "string", "ONS GSS code of the place it governs."),
                  Column("companies_house_number", "string", "Companies House number."),
                  Column("charity_number", "string", "Charity number."),
                  Column("initiatives_led", "integer", "Public initiatives it leads here.",
                         required=True),
                  Column("initiatives_partnered", "integer",
                         "Public initiatives it is a partner in here.", required=True),
                  Column("url", "uri", "Its page.", required=True),
              ], organisation_rows, primary_key=["slug"]),
        Table("initiative_organisations", "Who works on each initiative",
              "One row per initiative and organisation: the lead, then the partners.", [
                  Column("initiative_id", "integer", "An initiative's id.", required=True),
                  Column("organisation_slug", "string", "An organisation's slug.",
                         required=True),
                  Column("role", "string", "lead or partner.", required=True,
                         enum=["lead", "partner"]),
              ], link_rows, primary_key=["initiative_id", "organisation_slug", "role"],
              foreign_keys=[ForeignKey(["initiative_id"], "initiatives", ["id"]),
                            ForeignKey(["organisation_slug"], "organisations", ["slug"])]),
        Table("initiative_subdomains", "Which sub-domains each initiative serves",
              "One row per initiative and sub-domain it serves.", [
                  Column("initiative_id", "integer", "An initiative's id.", required=True),
                  Column("subdomain_id", "integer", "A sub-domain's id.", required=True),
              ], subdomain_link_rows, primary_key=["initiative_id", "subdomain_id"],
              foreign_keys=[ForeignKey(["initiative_id"], "initiatives", ["id"]),
                            ForeignKey(["subdomain_id"], "subdomains", ["id"])]),
        Table("subdomains", "Sub-domains",
              "The sub-domains of the coalition's domain model.", [
                  Column("id", "integer", "Number of the sub-domain.", required=True,
                         unique=True),
                  Column("domain_id", "integer", "Its domain.", required=True),
                  Column("slug", "string", "Name in its address.", required=True),
                  Column("path", "string", "domain/sub-domain, as in initiatives.csv.",
                         required=True),
                  Column("name", "string", "Name.", required=True),
                  Column("description", "string", "Description."),
                  Column("position", "integer", "Order within the domain."),
                  Column("illustrative", "boolean", "An example for the coalition to edit.",
                         required=True),
              ], subdomain_rows, primary_key=["id"],
              foreign_keys=[ForeignKey(["domain_id"], "domains", ["id"])]),
        Table("domains", "Domains", "The domains of the coalition's domain model.", [
            Column("id", "integer", "Number of the domain.", required=True, unique=True),
            Column("slug", "string", "Name in its address.", required=True),
            Column("name", "string", "Name.", required=True),
            Column("description", "string", "Description."),
            Column("group", "string", "Group of domains, if any."),
            Column("position", "integer", "Order in the model."),
            Column("smart_questions", "string", "Its challenge questions: agreed, example and "
                   "proposed ones (never declined ones).", is_list=True),
        ], domain_rows, primary_key=["id"]),
        Table("smart_questions", "Smart questions",
              "The domains' challenge questions: agreed, example and proposed ones (never "
              "declined ones), in the model's order.", [
                  Column("id", "integer", "Number of the question.", required=True,
                         unique=True),
                  Column("domain_id", "integer", "Its domain.", required=True),
                  Column("text", "string", "The question.", required=True),
                  Column("status", "string", "agreed, example or proposed.", required=True,
                         enum=["agreed", "example", "proposed"]),
                  Column("position", "integer", "Order within the domain."),
              ], question_rows, primary_key=["id"],
              foreign_keys=[ForeignKey(["domain_id"], "domains", ["id"])]),
        Table("initiative_smart_questions", "Which smart questions each initiative answers",
              "One row per public initiative and smart question it helps to answer. A question "
              "with no row here is an unanswered question on the gaps page.", [
                  Column("initiative_id", "integer", "An initiative's id.", required=True),
                  Column("question_id", "integer", "A smart question's id.", required=True),
              ], answer_rows, primary_key=["initiative_id", "question_id"],
              foreign_keys=[ForeignKey(["initiative_id"], "initiatives", ["id"]),
                            ForeignKey(["question_id"], "smart_questions", ["id"])]),
        Table("coalition", "The coalition",
              "The coalition itself, one row: its name, the licence of its data and the place "
              "it works for, with the place's official codes.", COALITION_COLUMNS,
              coalition_rows, primary_key=["slug"]),
    ]
    return Package(
        name=f"{coalition.slug}-open-data",
        title=f"{coalition.name}: open data",
        description=(coalition.description or f"What {coalition.name} is doing") +
        " Public initiatives, the organisations working on them and the domain model.",
        licence=coalition.licence,
        version=version,
        created=created,
        homepage=absolute(reverse("opendata:dataset_detail", kwargs={"kind": KIND,
                                                                     "key": coalition.slug})),
        report_url=absolute(reverse("opendata:report") + f"?dataset={KIND}/{coalition.slug}"),
        tables=tables,
        keywords=_keywords(coalition),
    )


def _keywords(coalition: Coalition) -> list[str]:
    keywords = ["smart places", "digital coalition"]
    return [*keywords, coalition.place.name] if coalition.place else keywords


def dataset_list() -> list[Coalition]:
    """Every coalition, by name: each has a dataset."""
    return list(Coalition.objects.select_related("place").order_by("name", "pk"))


def dataset_get(key: str) -> Coalition | None:
    return Coalition.objects.select_related("place", "framework").filter(slug=key).first()


def dataset_meta(coalition: Coalition) -> DatasetMeta:
    """The coalition's dataset: under the coalition's licence, made by the coalition. Its title
    and summary are in the active language (the pages'); the package's own are English."""
    return DatasetMeta(
        title=_("%(name)s: open data") % {"name": coalition.name},
        description=coalition.description or "",
        summary=_("Public initiatives, the organisations working on them and the domain "
                  "model."),
        licence=coalition.licence, keywords=_keywords(coalition),
        creator_name=coalition.name, creator_url=coalition.get_absolute_url(),
        place=coalition.place)


def last_changed(coalition: Coalition) -> datetime | None:
    """When the public data of the coalition last changed."""
    return initiative_last_updated(user=AnonymousUser(), coalition=coalition)


def package_build(obj: Coalition, *, absolute, version: str, created: datetime) -> Package:
    return coalition_package(coalition=obj, absolute=absolute, version=version, created=created)


def may_release(user, obj: Coalition) -> bool:
    """Coordinators (and superusers) make releases of their coalition's data."""
    return user.has_perm("opendata.make_release", obj)
