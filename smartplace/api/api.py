"""API v1: one NinjaAPI built from the endpoint modules listed in `registry.py`."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.urls import URLPattern
from django.views.decorators.http import require_safe
from ninja import NinjaAPI

from smartplace.api.errors import install_error_handlers, json_not_allowed, json_not_found
from smartplace.api.registry import ENDPOINT_MODULES

DESCRIPTION = """\
Read everything the site publishes, and write (add and change initiatives, rate in fitness
rounds, record the answers of assessments: each operation says) with a personal API token
(`Authorization: Bearer <token>`, made at /account/api-tokens/). Lists are cursor-paginated
(`limit`, `cursor`; follow `next`). Every error is JSON: `status`, `detail` and `errors`, each
naming its `location`, `field`, `message` and `code`.

Version 1 is stable: changes are additive only (new endpoints, new optional parameters, new
fields). Anything marked *unstable* may change. See docs/api.md.
"""


def build_api() -> NinjaAPI:
    """A NinjaAPI with every registered endpoint module and JSON errors."""
    api = NinjaAPI(
        title=f"{settings.SMARTPLACE_SITE_NAME} API",
        version="1",
        description=DESCRIPTION,
        urls_namespace="api-v1",
        openapi_url="/openapi.json",
        docs_url=None,
    )
    install_error_handlers(api)
    for dotted in ENDPOINT_MODULES:
        api.add_router("", import_module(dotted).router)
    return api


api = build_api()


def api_urlpatterns(api: NinjaAPI) -> list[URLPattern]:
    """
    `api`'s URL patterns, for `api/v1/` in urls.py, with every error JSON as docs/api.md
    promises: a method an address does not take is a JSON 405 with `Allow` (the schema is
    read with GET or HEAD only), and the API's root a JSON 404 (ninja's is an HTML page).
    """
    patterns, _app_name, _namespace = api.urls
    for pattern in patterns:
        if pattern.name == "api-root":  # only there so that reverse() finds the prefix
            pattern.callback = json_not_found(api)
            continue
        if pattern.name == "openapi-json":
            pattern.callback = require_safe(pattern.callback)
        pattern.callback = json_not_allowed(api, pattern.callback)
    return patterns
