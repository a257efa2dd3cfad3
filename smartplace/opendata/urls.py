"""
The open data pages under /data/ (namespace "opendata"): the datasets, one dataset, the files
of one of its versions, making a release, and reporting a problem. The root URLconf includes
them in `i18n_patterns`: in English at these addresses, in Welsh under /cy/. The downloads the
pages link to keep one address each, without a language prefix (`file_urls.py`).
"""

from django.urls import path

from smartplace.opendata import views

app_name = "opendata"

D = "data/<slug:kind>/<slug:key>"

urlpatterns = [
    path("data/", views.data_home, name="data_home"),
    path("data/report/", views.report, name="report"),
    path(f"{D}/", views.dataset_detail, name="dataset_detail"),
    path(f"{D}/releases/", views.release_make, name="release_make"),
    path(f"{D}/<str:version>/", views.package_version, name="package_version"),
]
