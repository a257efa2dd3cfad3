"""
Every public list and detail page has `.json` and `.csv` twins with the same rows.

The twins of `/a/b/?q=x` are `/a/b.json?q=x` and `/a/b.csv?q=x`. `twin_paths()` makes the three
URL patterns for one view; the view builds a `Dataset` (the same rows the HTML shows) and
`respond()` renders it as HTML, JSON or CSV. JSON and CSV state the licence and the time the data
last changed (CSV in HTTP headers, JSON in the body).

Paging: the HTML shows `SMARTPLACE_PAGE_SIZE` rows a page. A twin with `?page=N` gives the same
rows as that HTML page; a twin without `?page=` gives every row that matches the filters.
Both twins stream: rows are read lazily (`lazy_rows()`) and written as they come.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path, register_converter
from django.utils.http import http_date
from django.utils.translation import gettext as _


class FormatConverter:
    regex = "json|csv"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")

#: Rows read a query at a time by `lazy_rows()`.
ROWS_CHUNK = 2000
#: Characters of JSON sent a chunk by `json_response()`.
STREAM_BUFFER = 64 * 1024


def twin_paths(route: str, view: Callable, name: str) -> list:
    """URL patterns for `route/` (HTML) and `route.json`, `route.csv` (twins), all one name."""
    route = route.rstrip("/")
    html_route = f"{route}/" if route else ""
    return [
        path(html_route, view, {"fmt": "html"}, name=name),
        path(f"{route}.<fmt:fmt>", view, name=name),
    ]


def twin_urls(request: HttpRequest) -> dict[str, str]:
    """The `.json` and `.csv` addresses of the current HTML page, keeping its query string."""
    base = request.path.rstrip("/")
    query = request.META.get("QUERY_STRING", "")
    suffix = f"?{query}" if query else ""
    return {"json": f"{base}.json{suffix}", "csv": f"{base}.csv{suffix}"}


@dataclass
class Dataset:
    """The rows behind one page, as plain values, with their licence and provenance."""

    title: str
    columns: list[str]
    rows: Iterable[dict[str, Any]]
    licence: dict[str, str] = field(default_factory=lambda: settings.SMARTPLACE_DEFAULT_LICENCE)
    last_updated: datetime | None = None
    count: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def paginate(request: HttpRequest, queryset, fmt: str, *, per_page: int | None = None):
    """
    The page of `queryset` this request asks for, or None for a twin that wants every row.
    `per_page` rows a page (SMARTPLACE_PAGE_SIZE by default); an unknown page number is 404
    with what is wrong.

    Returns (page, rows): `page` is a Django Page (None when not paging), `rows` the rows to show.
    """
    if fmt != "html" and "page" not in request.GET:
        return None, queryset
    paginator = Paginator(queryset, per_page or settings.SMARTPLACE_PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger as error:
        raise Http404(_("The page number must be a whole number.")) from error
    except EmptyPage as error:
        raise Http404(_("There is no such page.")) from error
    return page, page.object_list


def plain(value: Any) -> Any:
    """A value as JSON and CSV write it: ISO 8601 dates, decimals as strings of digits."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def _csv_cell(value: Any) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(dataset: Dataset) -> Iterator[str]:
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(dataset.columns)
    for row in dataset.rows:
        yield writer.writerow([_csv_cell(row.get(column)) for column in dataset.columns])


def _provenance_headers(response: HttpResponse, dataset: Dataset) -> None:
    licence = dataset.licence
    response["Link"] = f'<{licence["url"]}>; rel="license"; title="{licence["name"]}"'
    if dataset.last_updated:
        response["Last-Modified"] = http_date(dataset.last_updated.timestamp())


def csv_response(dataset: Dataset, filename: str) -> StreamingHttpResponse:
    """RFC 4180 CSV, UTF-8, streamed: rows written as they are read, sent in chunks of about
    `STREAM_BUFFER` characters (as the JSON twin)."""
    response = StreamingHttpResponse(_buffered(_csv_lines(dataset)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.csv"'
    _provenance_headers(response, dataset)
    return response


def _json_chunks(request: HttpRequest, dataset: Dataset) -> Iterator[str]:
    """The JSON document in pieces: the header fields, then one row at a time."""
    head = {
        "title": dataset.title,
        "source": request.build_absolute_uri(request.path.rsplit(".", 1)[0] + "/"),
        "licence": dataset.licence,
        "last_updated": plain(dataset.last_updated),
        **plain(dataset.extra),
        "columns": dataset.columns,
    }
    yield json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ',\n  "rows": ['
    count = 0
    for row in dataset.rows:
        item = {c: plain(row.get(c)) for c in dataset.columns}
        yield ("," if count else "") + "\n    " + json.dumps(item, ensure_ascii=False)
        count += 1
    total = dataset.count if dataset.count is not None else count
    yield ("\n  ]" if count else "]") + f',\n  "count": {total}\n}}\n'


def _buffered(pieces: Iterable[str], *, size: int = STREAM_BUFFER) -> Iterator[str]:
    """`pieces` joined into chunks of about `size` characters (the last may be shorter)."""
    buffer: list[str] = []
    length = 0
    for piece in pieces:
        buffer.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(buffer)
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer)


def json_response(request: HttpRequest, dataset: Dataset) -> StreamingHttpResponse:
    """
    The dataset as one JSON document, streamed: rows are serialised one at a time as they are
    read and sent in chunks of about `STREAM_BUFFER` characters, so memory stays flat however
    many rows there are. Anything that can refuse the request (bad filters, an unknown page)
    is checked before this is called, so the status is known before the first byte.
    """
    response = StreamingHttpResponse(_buffered(_json_chunks(request, dataset)),
                                     content_type="application/json")
    _provenance_headers(response, dataset)
    return response


def lazy_rows(rows: Iterable[Any], *, chunk_size: int = ROWS_CHUNK) -> Iterable[Any]:
    """
    `rows` to read once for a twin: an unevaluated queryset is read in chunks of `chunk_size`
    (`QuerySet.iterator()`, prefetches made a chunk at a time), so a twin of every row never
    holds them all; anything else (a page's rows, a list) is returned as it is.
    """
    if isinstance(rows, QuerySet) and rows._result_cache is None:
        return rows.iterator(chunk_size=chunk_size)
    return rows


def respond(
    request: HttpRequest,
    fmt: str,
    *,
    template: str,
    context: dict[str, Any],
    dataset: Callable[[], Dataset],
    filename: str,
) -> HttpResponse:
    """Render the HTML page, or its `.json` / `.csv` twin from the same `dataset()`."""
    if fmt == "json":
        return json_response(request, dataset())
    if fmt == "csv":
        return csv_response(dataset(), filename)
    data = dataset()
    context = {
        **context,
        "twins": twin_urls(request),
        "licence": data.licence,
        "last_updated": data.last_updated,
    }
    response = render(request, template, context)
    twins = context["twins"]
    response["Link"] = (
        f'<{twins["json"]}>; rel="alternate"; type="application/json", '
        f'<{twins["csv"]}>; rel="alternate"; type="text/csv"'
    )
    return response
