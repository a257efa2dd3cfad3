"""
/sitemap.xml: the public pages, for search engines, in English and Welsh (each page lists its
other-language address as an alternate).

Each section takes its objects from the same public selector as the page that lists them, so
nothing the privacy gate keeps off the lists (private initiatives, unpublished or private
assessment cycles) is named here; people are not listed at all. The privacy test requests this
address like every other route.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class _Localised(Sitemap):
    """Every page in each language, with the other language as an alternate."""

    i18n = True
    alternates = True
    languages = [code for code, _name in settings.LANGUAGES]
    x_default = True


class StaticSitemap(_Localised):
    """The front page, the lists and the pages about the site."""

    names = ["core:home", "core:about_data", "core:accessibility",
             "coalitions:coalition_list", "organisations:organisation_list",
             "places:place_list", "frameworks:framework_list", "instruments:instrument_list",
             "assessments:cycle_list", "opendata:data_home"]

    def items(self):
        return self.names

    def location(self, item):
        return reverse(item)


class CoalitionSitemap(_Localised):
    def items(self):
        from smartplace.coalitions.models import Coalition

        return Coalition.objects.order_by("slug")

    def lastmod(self, coalition):
        return coalition.updated_at


class InitiativeSitemap(_Localised):
    """Public initiatives only (`Initiative.objects.public()`, the gate of the lists)."""

    def items(self):
        from smartplace.initiatives.models import Initiative

        return (Initiative.objects.public().select_related("coalition")
                .order_by("coalition__slug", "slug"))

    def lastmod(self, initiative):
        return initiative.updated_at


class OrganisationSitemap(_Localised):
    def items(self):
        from smartplace.organisations.models import Organisation

        return Organisation.objects.order_by("slug")


class PlaceSitemap(_Localised):
    def items(self):
        from smartplace.places.models import Place

        return Place.objects.order_by("pk")


class CycleSitemap(_Localised):
    """Published assessment cycles that are not private (`cycle_public_list()`)."""

    def items(self):
        from smartplace.assessments.selectors import cycle_public_list

        return [cycle for cycle in cycle_public_list() if cycle.is_public]

    def lastmod(self, cycle):
        return cycle.updated_at


class DatasetSitemap(_Localised):
    """Each open dataset's page: the datasets /data/ lists (every coalition's, and those of
    the assessment cycles whose results are public). Not their downloads."""

    def items(self):
        from smartplace.opendata.registry import dataset_key, dataset_kinds

        return [(kind, dataset_key(obj)) for kind, module in dataset_kinds().items()
                for obj in module.dataset_list()]

    def location(self, item):
        kind, key = item
        return reverse("opendata:dataset_detail", kwargs={"kind": kind, "key": key})


SITEMAPS = {
    "pages": StaticSitemap,
    "coalitions": CoalitionSitemap,
    "initiatives": InitiativeSitemap,
    "organisations": OrganisationSitemap,
    "places": PlaceSitemap,
    "assessments": CycleSitemap,
    "datasets": DatasetSitemap,
}
