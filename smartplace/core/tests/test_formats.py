import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db.models import QuerySet
from django.test import RequestFactory

from smartplace.core.formats import (
    STREAM_BUFFER,
    Dataset,
    csv_response,
    json_response,
    lazy_rows,
)
from smartplace.places.models import Place
from smartplace.places.tests.factories import PlaceFactory


def _dataset(rows, **kwargs):
    return Dataset(title="Borsetshire things", columns=["id", "name", "when", "cost", "tags"],
                   rows=rows, **kwargs)


@pytest.mark.parametrize("count", [0, 1, 3])
def test_json_twin_is_one_valid_document_with_every_row(count):
    """The JSON twin parses, lists every row once in order, and counts them."""
    rows = ({"id": i, "name": f"Ambridge {i}", "when": date(2026, 1, i + 1),
             "cost": Decimal("12.50"), "tags": ["a", "b"]} for i in range(count))
    request = RequestFactory().get("/things.json")
    response = json_response(request, _dataset(rows))
    assert response.streaming is True
    body = json.loads(b"".join(response.streaming_content))
    assert body["count"] == count
    assert [row["id"] for row in body["rows"]] == list(range(count))
    if count:
        assert body["rows"][0] == {"id": 0, "name": "Ambridge 0", "when": "2026-01-01",
                                   "cost": "12.50", "tags": ["a", "b"]}
    assert body["source"] == "http://testserver/things/"
    assert body["licence"]["name"] == "Open Government Licence v3.0"


def test_json_twin_streams_rows_as_read_in_chunks():
    """The JSON twin is streamed: rows are read only as the body is, and it comes in a few
    chunks of about STREAM_BUFFER characters rather than one a row."""
    read = []

    def rows():
        for i in range(3000):
            read.append(i)
            yield {"id": i, "name": f"Ambridge {i}", "when": None, "cost": None, "tags": []}

    request = RequestFactory().get("/things.json")
    response = json_response(request, _dataset(rows()))
    assert response.streaming is True
    assert read == []
    chunks = list(response.streaming_content)
    assert len(read) == 3000
    assert 1 < len(chunks) < 3000 / 100
    assert all(len(chunk) >= STREAM_BUFFER for chunk in chunks[:-1])
    assert [row["id"] for row in json.loads(b"".join(chunks))["rows"]] == list(range(3000))


def test_lazy_rows_reads_an_unevaluated_queryset_in_chunks(db):
    """An unevaluated queryset is read with an iterator (nothing cached on it); a list or an
    evaluated queryset is given back as it is."""
    PlaceFactory.create_batch(3)
    places = Place.objects.order_by("pk")
    rows = lazy_rows(places, chunk_size=2)
    assert not isinstance(rows, QuerySet)
    assert [place.pk for place in rows] == list(
        Place.objects.order_by("pk").values_list("pk", flat=True))
    assert len(Place.objects.all()) == 3
    assert places._result_cache is None
    listed = [1, 2]
    assert lazy_rows(listed) is listed


def test_csv_twin_is_rfc4180_with_provenance_headers():
    """CSV uses CRLF, quotes embedded commas, joins lists with '; ' and states licence and date."""
    rows = [{"id": 1, "name": "Ambridge, West", "when": None, "cost": None, "tags": ["x", "y"]}]
    response = csv_response(_dataset(rows, last_updated=datetime(2026, 11, 22, 9, 0)), "things")
    text = b"".join(response.streaming_content).decode()
    assert text == 'id,name,when,cost,tags\r\n1,"Ambridge, West",,,x; y\r\n'
    assert 'rel="license"' in response["Link"]
    assert response["Last-Modified"].endswith("GMT")
