"""Shared query and path parameters, and the check that rejects parameters nobody declared."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query

from smartplace.api.errors import ApiError
from smartplace.api.pagination import CURSOR_MAX_LENGTH, DEFAULT_LIMIT, MAX_LIMIT

#: Slugs in addresses, as Django's `slug` converter reads them.
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
PAGING = ("cursor", "limit")


def slug_path(description: str):
    return Path(..., pattern=SLUG_PATTERN, max_length=200, description=description)


def cursor_query():
    return Query(None, max_length=CURSOR_MAX_LENGTH,
                 description="Opaque position from the `next` address of the previous page.")


def limit_query():
    return Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT,
                 description=f"Items a page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).")


def check_query(request: HttpRequest, allowed: Iterable[str], *, paged: bool = False) -> None:
    """
    Raise a 400 naming each query parameter this endpoint does not know: `allowed`, plus
    `cursor` and `limit` on lists (`paged`). A single object's endpoint refuses `limit`
    rather than ignore it.
    """
    known = set(allowed) | (set(PAGING) if paged else set())
    unknown = sorted(set(request.GET) - known)
    if unknown:
        raise ApiError(400, _("The query has parameters this endpoint does not know."), [
            {"location": "query", "field": name, "message": _unknown_message(name, known),
             "code": "unknown_parameter"} for name in unknown])


def _unknown_message(name: str, known: set[str]) -> str:
    if not known:
        return _("Unknown parameter “%(name)s”; this endpoint takes no query parameters") % {
            "name": name}
    return _("Unknown parameter “%(name)s”; this endpoint accepts: %(known)s") % {
        "name": name, "known": ", ".join(sorted(known))}
