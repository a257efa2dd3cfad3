"""API v1: one NinjaAPI built from the endpoint modules listed in `registry.py`."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from ninja import NinjaAPI

from smartplace.api.errors import install_error_handlers
from smartplace.api.registry import ENDPOINT_MODULES

DESCRIPTION = """\
Read everything the site publishes, and write (add and change initiatives, rate in fitness
rounds, and more: each operation says) with a personal API token
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
