"""Schemas shared by several endpoint modules: the base of request bodies, and outputs."""

from __future__ import annotations

from ninja import Field, Schema
from pydantic import ConfigDict


class WriteSchema(Schema):
    """
    The base of every request body and of every object inside one: a field it does not
    declare is refused (a 422 whose error has `code` `extra_forbidden` and names the field,
    such as `titel` or `links.0.titel`), so a misspelt field never passes as "not sent".
    The OpenAPI schema says `additionalProperties: false`.
    """

    model_config = ConfigDict(extra="forbid")


class Licence(Schema):
    name: str
    url: str


class OrganisationOut(Schema):
    """One organisation with its identifiers and how many visible initiatives it works on."""

    slug: str
    name: str
    sector: str
    description: str
    website: str
    place_code: str | None
    gss_code: str | None
    companies_house_number: str
    charity_number: str
    initiatives_led: int
    initiatives_partnered: int
    url: str


class OrganisationPage(Schema):
    items: list[OrganisationOut]
    next: str | None


def organisation_out(request, organisation) -> dict:
    """An organisation annotated with `led_count` and `partner_count` as OrganisationOut."""
    place = organisation.place
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "sector": organisation.sector,
        "description": organisation.description,
        "website": organisation.website,
        "place_code": place.url_code if place else None,
        "gss_code": (place.gss_code or None) if place else None,
        "companies_house_number": organisation.companies_house_number,
        "charity_number": organisation.charity_number,
        "initiatives_led": organisation.led_count,
        "initiatives_partnered": organisation.partner_count,
        "url": request.build_absolute_uri(organisation.get_absolute_url()),
    }


class Level(Schema):
    slug: str
    name: str
    description: str


class Question(Schema):
    id: int = Field(..., description="Initiatives name the questions they help to answer by "
                                     "this id (`smart_questions`).")
    text: str
    status: str


class SubDomainOut(Schema):
    slug: str
    name: str
    description: str
    illustrative: bool


class DomainOut(Schema):
    slug: str
    name: str
    description: str
    group: str
    questions: list[Question]
    subdomains: list[SubDomainOut]


class Source(Schema):
    title: str
    url: str


class FrameworkOut(Schema):
    """A framework as a `smartplace-framework/1` file (see docs/frameworks.md)."""

    format: str
    slug: str
    version: str
    name: str
    description: str
    source: Source
    attribution: str
    licence: Licence
    levels: list[Level]
    domains: list[DomainOut]
