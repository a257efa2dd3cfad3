"""
The kinds of dataset the site publishes, each a module under `opendata/datasets/`.

A module provides:

- `KIND`: the word in /data/<kind>/<key>/;
- `dataset_list()`: the objects that have a dataset (each with a `slug` or primary key);
- `dataset_get(key)`: one of them, or None (also None for anything not in `dataset_list()`);
- `dataset_meta(obj)`: a `DatasetMeta` (title, descriptions, licence, keywords, creator) for the
  pages, schema.org markup and the DCAT catalogue;
- `last_changed(obj)`: when its public data last changed;
- `package_build(obj, *, absolute, version, created)`: its `packages.Package` (rows read only
  when a table is written, so building one is cheap);
- `may_release(user, obj)`: whether `user` may make a release from the dataset's page;
- `RELEASE_OPTION`, `RELEASE_HELP`, `RELEASE_UNKNOWN`: its option of `smartplace
  make-data-release` (`--coalition`), the option's help, and the error for an unknown key
  (`{key}`);
- optionally `release_allowed(obj, release)`: False for a release the dataset may no longer
  serve (it is then neither listed nor downloadable; it is kept).

Adding a kind is one line in `DATASET_MODULES`; the pages, releases, schema.org markup, the
catalogue, zip downloads and `smartplace make-data-release` then cover it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from types import ModuleType
from typing import Any

DATASET_MODULES = [
    "smartplace.opendata.datasets.coalitions",
    "smartplace.opendata.datasets.cycles",
]


@dataclass(frozen=True)
class DatasetMeta:
    """What the pages and catalogues say about a dataset, whatever its kind."""

    title: str
    description: str  # about the thing the data is of (may be blank)
    summary: str  # what the package holds, in a sentence
    licence: dict[str, str]  # name, url and optionally id
    keywords: list[str] = field(default_factory=list)
    creator_name: str = ""
    creator_url: str = ""  # a path on this site
    place: Any = None  # a places.Place it covers, if any


@cache
def dataset_kinds() -> dict[str, ModuleType]:
    """KIND → module, in the order above."""
    modules = [import_module(dotted) for dotted in DATASET_MODULES]
    return {module.KIND: module for module in modules}


def dataset_key(obj) -> str:
    return getattr(obj, "slug", None) or str(obj.pk)
