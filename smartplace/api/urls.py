"""
The API (/api/v1/, namespace "api-v1") and its documentation page (namespace "api"), without a
language prefix. People's API tokens are pages of the site, in `token_urls.py`. The project's
urls.py includes each module once.
"""

from django.urls import include, path

from smartplace.api import views
from smartplace.api.api import api

pages = [
    path("api/v1/docs", views.api_docs, name="docs"),
]

urlpatterns = [
    path("", include((pages, "api"))),
    path("api/v1/", api.urls),
]
