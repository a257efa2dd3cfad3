"""Reads for open data: datasets and their releases, the DCAT catalogue, schema.org markup."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from smartplace.opendata.models import DataRelease
from smartplace.opendata.registry import DatasetMeta, dataset_key, dataset_kinds

CSV, JSON, ZIP, SQLITE = "text/csv", "application/json", "application/zip", \
    "application/vnd.sqlite3"


@dataclass
class DatasetInfo:
    kind: str
    key: str
    obj: Any
    meta: DatasetMeta
    last_changed: datetime | None
    releases: list[DataRelease]

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def description(self) -> str:
        return self.meta.description

    @property
    def summary(self) -> str:
        return self.meta.summary

    @property
    def licence(self) -> dict[str, str]:
        return self.meta.licence

    @property
    def url(self) -> str:
        """The dataset's page in the active language (under /cy/ in Welsh)."""
        return reverse("opendata:dataset_detail", kwargs={"kind": self.kind, "key": self.key})

    @property
    def canonical_url(self) -> str:
        """The dataset's page in English, whatever the active language: its identifier in the
        DCAT catalogue and the schema.org markup of both languages' pages."""
        with translation.override(settings.LANGUAGE_CODE):
            return self.url

    def version_url(self, version: str) -> str:
        """The page listing the files of `version` ("latest" or a date), in the active
        language."""
        return reverse("opendata:package_version", kwargs={
            "kind": self.kind, "key": self.key, "version": version})

    def zip_url(self, version: str) -> str:
        """The zip of `version`: a download, with no language prefix."""
        return reverse("opendata-files:package_zip", kwargs={
            "kind": self.kind, "key": self.key, "version": version})

    def file_url(self, version: str, name: str) -> str:
        """File `name` of `version`: a download, with no language prefix."""
        return reverse("opendata-files:package_file", kwargs={
            "kind": self.kind, "key": self.key, "version": version, "name": name})


def _info(kind: str, module, obj, releases: list[DataRelease]) -> DatasetInfo:
    allowed = getattr(module, "release_allowed", None)
    if allowed is not None:
        releases = [r for r in releases if allowed(obj, r)]
    return DatasetInfo(kind=kind, key=dataset_key(obj), obj=obj, meta=module.dataset_meta(obj),
                       last_changed=module.last_changed(obj), releases=releases)


def dataset_list_all() -> list[DatasetInfo]:
    """Every dataset of every kind, with its releases (newest first), in two queries a kind."""
    releases: dict[tuple[str, str], list[DataRelease]] = {}
    for release in DataRelease.objects.order_by("-release_date"):
        releases.setdefault((release.kind, release.key), []).append(release)
    result = []
    for kind, module in dataset_kinds().items():
        for obj in module.dataset_list():
            result.append(_info(kind, module, obj, releases.get((kind, dataset_key(obj)), [])))
    return result


def dataset_get(*, kind: str, key: str) -> DatasetInfo | None:
    """One dataset with the releases it may serve (newest first), or None."""
    module = dataset_kinds().get(kind)
    obj = module.dataset_get(key) if module else None
    if obj is None:
        return None
    releases = list(DataRelease.objects.filter(kind=kind, key=key)
                    .order_by("-release_date"))
    return _info(kind, module, obj, releases)


def release_get(*, kind: str, key: str, version: str) -> DataRelease | None:
    """
    The dataset's release of `version`, or None, without its zip (`archive` is never loaded:
    serve it with `opendata.archives`, which reads it in ranges). Whether the release may
    still be served is the caller's to check (`DatasetInfo.releases`).
    """
    return DataRelease.objects.filter(kind=kind, key=key, version=version).first()


def table_files(info: DatasetInfo) -> list[str]:
    """The CSV files of the dataset's latest package (building it reads no rows)."""
    package = dataset_kinds()[info.kind].package_build(
        info.obj, absolute=lambda path: path, version="latest", created=timezone.now())
    return [table.filename for table in package.tables]


def _distributions(info: DatasetInfo, absolute: Callable[[str], str],
                   version: str) -> list[dict[str, Any]]:
    """The downloads of `version`, titled in the active language (English in the catalogue)."""
    def file(name: str) -> str:
        return absolute(info.file_url(version, name))

    items = [{"title": _("Zip archive of the package"), "url": absolute(info.zip_url(version)),
              "media": ZIP, "format": "ZIP"}]
    items += [{"title": _("Frictionless data package"), "url": file("datapackage.json"),
               "media": JSON, "format": "JSON"},
              {"title": _("CSV on the Web metadata"), "url": file("csv-metadata.json"),
               "media": "application/csvm+json", "format": "JSON-LD"}]
    items += [{"title": name, "url": file(name), "media": CSV, "format": "CSV"}
              for name in table_files(info)]
    return items


def dataset_schema_org(info: DatasetInfo, *, absolute: Callable[[str], str]) -> dict[str, Any]:
    """
    schema.org `Dataset` markup (JSON-LD) for a dataset's page: names in the page's language,
    `url` this page, `@id` the English page (the same dataset in both languages, as the DCAT
    catalogue identifies it), downloads at their unprefixed addresses.
    """
    meta = info.meta
    place = meta.place
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": absolute(info.canonical_url),
        "inLanguage": translation.get_language() or settings.LANGUAGE_CODE,
        "name": info.title,
        "description": info.description or info.title,
        "url": absolute(info.url),
        "license": info.licence["url"],
        "isAccessibleForFree": True,
        "keywords": meta.keywords,
        "creator": {"@type": "Organization",
                    "name": meta.creator_name or settings.SMARTPLACE_SITE_NAME,
                    "url": absolute(meta.creator_url or reverse("core:home"))},
        "distribution": [{"@type": "DataDownload", "name": d["title"],
                          "encodingFormat": d["media"], "contentUrl": d["url"]}
                         for d in _distributions(info, absolute, "latest")],
    }
    if info.last_changed:
        data["dateModified"] = info.last_changed.isoformat(timespec="seconds")
    if info.releases:
        data["datePublished"] = info.releases[-1].release_date.isoformat()
        data["version"] = info.releases[0].version
    if place is not None:
        data["spatialCoverage"] = {"@type": "Place", "name": place.name,
                                   "identifier": place.gss_code or place.register_code}
    return data


def catalogue_dcat(*, datasets: list[DatasetInfo], absolute: Callable[[str], str]) -> dict:
    """
    The DCAT 3 catalogue (JSON-LD) of every dataset, its releases and the site database, in
    English with the English pages' addresses whatever the active language (published
    metadata; the titles of `datasets` are as they were read, so read them in English too, as
    the catalogue view does).
    """
    with translation.override(settings.LANGUAGE_CODE):
        return _catalogue_dcat(datasets=datasets, absolute=absolute)


def _catalogue_dcat(*, datasets: list[DatasetInfo], absolute: Callable[[str], str]) -> dict:
    site = settings.SMARTPLACE_SITE_NAME
    licence = settings.SMARTPLACE_DEFAULT_LICENCE

    def distribution(d: dict) -> dict:
        return {"@type": "dcat:Distribution", "dct:title": d["title"],
                "dcat:downloadURL": {"@id": d["url"]}, "dcat:accessURL": {"@id": d["url"]},
                "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/"
                                          f"{d['media']}"},
                "dct:format": d["format"]}

    entries = []
    for info in datasets:
        entry = {
            "@id": absolute(info.url), "@type": "dcat:Dataset",
            "dct:identifier": f"{info.kind}/{info.key}", "dct:title": info.title,
            "dct:description": info.description or info.title,
            "dct:license": {"@id": info.licence["url"]},
            "dcat:landingPage": {"@id": absolute(info.url)},
            "dcat:keyword": info.meta.keywords,
            "dcat:distribution": [distribution(d)
                                  for d in _distributions(info, absolute, "latest")],
            "dcat:hasVersion": [{
                "@id": absolute(info.version_url(r.version)), "@type": "dcat:Dataset",
                "dcat:version": r.version, "dct:issued": {"@value": r.release_date.isoformat(),
                                                          "@type": "xsd:date"},
                "dcat:distribution": [distribution({
                    "title": _("Zip archive of the package"), "url": absolute(
                        info.zip_url(r.version)), "media": ZIP, "format": "ZIP"})],
            } for r in info.releases],
        }
        if info.last_changed:
            entry["dct:modified"] = {"@value": info.last_changed.isoformat(timespec="seconds"),
                                     "@type": "xsd:dateTime"}
        entries.append(entry)
    sqlite_url = absolute(reverse("opendata-files:site_sqlite"))
    entries.append({
        "@id": sqlite_url, "@type": "dcat:Dataset", "dct:identifier": "site",
        "dct:title": f"All of {site}'s public data", "dct:license": {"@id": licence["url"]},
        "dct:description": "Every public table of the site in one SQLite database.",
        "dcat:distribution": [distribution({"title": "SQLite database", "url": sqlite_url,
                                            "media": SQLITE, "format": "SQLite"})],
    })
    return {
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
                     "foaf": "http://xmlns.com/foaf/0.1/",
                     "xsd": "http://www.w3.org/2001/XMLSchema#"},
        "@id": absolute(reverse("opendata-files:catalogue")),
        "@type": "dcat:Catalog",
        "dct:title": f"{site} open data",
        "dct:description": "Data packages of the coalitions and the published assessment "
                           "cycles on this site, with dated releases.",
        "dct:license": {"@id": licence["url"]},
        "foaf:homepage": {"@id": absolute(reverse("opendata:data_home"))},
        "dcat:dataset": entries,
    }
