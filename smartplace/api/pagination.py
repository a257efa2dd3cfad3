"""
Cursor pagination: `?limit=` (1–500, default 50) and an opaque `?cursor=` from `next`.

A cursor is URL-safe base64 of a small JSON object. For lists in a fixed order it holds the
ordering key of the last row given (keyset pagination, so rows added or removed meanwhile
never make a page skip or repeat one); for search results ranked by relevance it holds a
position. A cursor that cannot be read, or holds a value the database could not compare
(see `_safe_value`), is a 400 with a JSON error naming `cursor` (`invalid_cursor`).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import date, datetime
from operator import attrgetter
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from smartplace.api.errors import ApiError

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
CURSOR_MAX_LENGTH = 2000


def _bad_cursor(message: str) -> ApiError:
    return ApiError(400, _("The cursor is not valid: use the `next` address of a page."),
                    [{"location": "query", "field": "cursor", "message": message,
                      "code": "invalid_cursor"}])


def cursor_encode(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def cursor_decode(cursor: str, *, keys: int | None) -> dict[str, Any]:
    """
    The position in `cursor`: {"after": [values…]} for a keyset of `keys` values, or
    {"offset": n} when `keys` is None. Raises ApiError(400) for anything else.
    """
    if len(cursor) > CURSOR_MAX_LENGTH:
        raise _bad_cursor(_("The cursor is too long."))
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise _bad_cursor(_("The cursor is not one this API gave.")) from error
    if not isinstance(data, dict):
        raise _bad_cursor(_("The cursor is not one this API gave."))
    if keys is None:
        offset = data.get("offset")
        if type(offset) is not int or offset < 0 or offset > 10_000_000:
            raise _bad_cursor(_("The cursor belongs to another list or ordering."))
        return {"offset": offset}
    after = data.get("after")
    if (not isinstance(after, list) or len(after) != keys
            or not all(_safe_value(v) for v in after) or type(after[-1]) is not int):
        raise _bad_cursor(_("The cursor belongs to another list or ordering."))
    return {"after": after}


def _safe_value(value: Any) -> bool:
    """
    A value every database can compare: integers within 53 bits; text of at most 1,000
    characters with no NUL and nothing UTF-8 cannot encode (a lone surrogate such as
    "\\ud800", which JSON's escapes can write but no database driver can send).
    """
    if type(value) is int:
        return abs(value) < 2**53
    if type(value) is not str or "\x00" in value or len(value) > 1000:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _after(keys: Sequence[str], values: list[Any]) -> Q:
    """Rows strictly after `values` in the order of `keys`: ascending, or descending for a
    key written "-name" as in `order_by` (the last key is unique)."""
    condition = Q()
    for index in range(len(keys) - 1, -1, -1):
        name = keys[index].removeprefix("-")
        direction = "lt" if keys[index].startswith("-") else "gt"
        here = Q(**{f"{name}__{direction}": values[index]})
        if index == len(keys) - 1:
            condition = here
        else:
            condition = here | (Q(**{name: values[index]}) & condition)
    return condition


def _next_url(request: HttpRequest, cursor: str) -> str:
    params = [(k, v) for k, vs in request.GET.lists() if k != "cursor" for v in vs]
    params.append(("cursor", cursor))
    return request.build_absolute_uri(f"{request.path}?{urlencode(params)}")


def cursor_paginate(
    request: HttpRequest, queryset: QuerySet, *, keys: Sequence[str] | None, limit: int,
    cursor: str | None,
) -> tuple[list, str | None]:
    """
    One page of `queryset`: (rows, address of the next page or None).

    With `keys` (model field paths, the last one unique, such as ("name", "pk"); "-name"
    for descending), the queryset is ordered by them and the cursor is a keyset; with
    `keys=None` the queryset's own order is kept and the cursor is a position (for
    relevance-ranked search).
    """
    if keys is None:
        offset = cursor_decode(cursor, keys=None)["offset"] if cursor else 0
        rows = list(queryset[offset:offset + limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
        nxt = cursor_encode({"offset": offset + limit}) if more else None
    else:
        queryset = queryset.order_by(*keys)
        if cursor:
            after = cursor_decode(cursor, keys=len(keys))["after"]
            try:  # a value the field cannot read, such as a date that is not one
                queryset = queryset.filter(_after(keys, after))
            except (DjangoValidationError, ValueError, TypeError) as error:
                raise _bad_cursor(_("The cursor belongs to another list or ordering.")) \
                    from error
        rows = list(queryset[:limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
        nxt = None
        if more:
            getters = [attrgetter(key.removeprefix("-").replace("__", ".")) for key in keys]
            nxt = cursor_encode({"after": [_plain(get(rows[-1])) for get in getters]})
    return rows, (_next_url(request, nxt) if nxt else None)
