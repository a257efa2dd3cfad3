"""
The API (/api/v1/, namespace "api-v1") and its documentation page (namespace "api"), without a
language prefix. People's API tokens are pages of the site, in `token_urls.py`. The project's
urls.py includes each module once.

Any other address under /api/ (/api/v1/nope, /api/v2/) is the API's JSON 404, never the
site's HTML page.
"""

from django.urls import include, path, re_path

from smartplace.api import views
from smartplace.api.api import api, api_urlpatterns
from smartplace.api.errors import json_not_found

pages = [
    path("api/v1/docs", views.api_docs, name="docs"),
]

urlpatterns = [
    path("", include((pages, "api"))),
    path("api/v1/", include((api_urlpatterns(api), "ninja"), namespace="api-v1")),
    re_path(r"^api/", json_not_found(api), name="api-not-found"),
]
