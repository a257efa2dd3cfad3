"""
The open data downloads under /data/ (namespace "opendata-files"): a package's files and zip,
the DCAT catalogue and the whole-site SQLite file. Outside users and the catalogue link to
these addresses, so they have no language prefix and never move; the files are in English
whatever the language of the page that links to them (docs/open-data.md).
"""

from django.urls import path

from smartplace.opendata import views
from smartplace.opendata.urls import D

app_name = "opendata-files"

urlpatterns = [
    path("data/catalog.jsonld", views.catalogue, name="catalogue"),
    path("data/smartplace.sqlite", views.site_sqlite, name="site_sqlite"),
    path(f"{D}/<str:version>.zip", views.package_zip, name="package_zip"),
    path(f"{D}/<str:version>/<str:name>", views.package_file, name="package_file"),
]
