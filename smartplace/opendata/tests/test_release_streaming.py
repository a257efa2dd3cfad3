"""A release's zip and its files stream from the database in ranges, never read whole."""

from __future__ import annotations

import io
import os
import re
import tracemalloc
import zipfile
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartplace.opendata.archives import (
    CHUNK,
    ReleaseArchive,
    ReleaseGone,
    release_archive_chunks,
    release_archive_open,
)
from smartplace.opendata.models import DataRelease

BASE = "/data/coalitions/ambridge"
VERSION = "2026-03-05"
#: What a query may say about the archive: its length, or a range of it.
RANGED = re.compile(r'(SUBSTR|LENGTH)\("opendata_datarelease"\."archive"', re.IGNORECASE)


def _zip(noise_bytes: int) -> bytes:
    """A package-shaped zip: a CSV (deflated) and `noise_bytes` of incompressible data
    (stored), so that the archive spans several chunks and members cross their edges."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ambridge/initiatives.csv",
                         "id,title\r\n" + "".join(f"{n},Ambridge scheme {n}\r\n"
                                                  for n in range(20_000)))
        archive.writestr("ambridge/noise.bin", os.urandom(noise_bytes),
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("ambridge/README.md", "# Ambridge\n\nA test release.\n")
    return buffer.getvalue()


def _release(archive: bytes, key: str = "ambridge") -> DataRelease:
    return DataRelease.objects.create(kind="coalitions", key=key, release_date=date(2026, 3, 5),
                                      version=VERSION, archive=archive, files=[])


def _stored(release: DataRelease) -> bytes:
    return bytes(DataRelease.objects.get(pk=release.pk).archive)


def test_the_zip_is_byte_for_byte_the_stored_archive(client, world):
    """The release's zip streams in chunks: the same bytes, the same headers as before."""
    release = _release(_zip(3 * CHUNK + 1234))
    stored = _stored(release)
    response = client.get(f"{BASE}/{VERSION}.zip")
    assert response.status_code == 200 and response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) == -(-len(stored) // CHUNK) and max(map(len, chunks)) == CHUNK
    assert b"".join(chunks) == stored
    assert response["Content-Length"] == str(len(stored))
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == \
        f'attachment; filename="coalitions-ambridge-{VERSION}.zip"'


@pytest.mark.parametrize(("name", "content_type"), [
    ("initiatives.csv", "text/csv; charset=utf-8"),
    ("README.md", "text/markdown; charset=utf-8"),
    ("noise.bin", "application/octet-stream"),
])
def test_a_file_is_byte_for_byte_the_member_of_the_zip(client, world, name, content_type):
    """Each file of a release is what zipfile reads from the stored archive, with its size."""
    release = _release(_zip(3 * CHUNK + 1234))
    expected = zipfile.ZipFile(io.BytesIO(_stored(release))).read(f"ambridge/{name}")
    response = client.get(f"{BASE}/{VERSION}/{name}")
    assert response.status_code == 200 and response.streaming
    assert response.getvalue() == expected
    assert response["Content-Length"] == str(len(expected))
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'inline; filename="{name}"'
    assert response["Link"].endswith('rel="license"')


def test_a_file_not_in_the_release_is_404(client, world):
    _release(_zip(10))
    assert client.get(f"{BASE}/{VERSION}/nowhere.csv").status_code == 404


def test_the_archive_is_never_selected_whole(client, world):
    """Serving the zip and a file reads the archive's length and ranges of it, nothing else;
    listing releases and the release's page do not touch it at all."""
    _release(_zip(2 * CHUNK))
    with CaptureQueriesContext(connection) as queries:
        for url in (f"{BASE}/{VERSION}.zip", f"{BASE}/{VERSION}/noise.bin",
                    f"{BASE}/{VERSION}/initiatives.csv"):
            response = client.get(url)
            assert response.status_code == 200
            response.getvalue()  # read to the end, which closes it
    archive_reads = [q["sql"] for q in queries if "archive" in q["sql"]]
    assert any(re.search(r"SUBSTR\(", sql, re.IGNORECASE) for sql in archive_reads)
    for sql in archive_reads:
        assert '"archive"' not in RANGED.sub("", sql), sql
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{BASE}/").status_code == 200
        assert client.get(f"{BASE}/{VERSION}/").status_code == 200
        assert client.get("/data/catalog.jsonld").status_code == 200
    assert not any('"archive"' in q["sql"] for q in queries)
    assert '"archive"' not in str(DataRelease.objects.all().query)


def test_the_range_reader_seeks_and_reads_across_chunks(world):
    """The raw file reads what slicing the stored bytes gives, from any position, across
    chunk edges, from the end, and nothing past the end."""
    data = os.urandom(10_000)
    release = _release(data)
    raw = ReleaseArchive(pk=release.pk)
    assert raw.size == len(data) and raw.seekable() and raw.readable() and raw.tell() == 0
    assert raw.seek(-100, io.SEEK_END) == len(data) - 100
    assert raw.read(1000) == data[-100:] and raw.tell() == len(data)
    assert raw.read(10) == b""
    assert raw.seek(20_000) == 20_000 and raw.read(5) == b""
    assert raw.seek(10) == 10 and raw.seek(5, io.SEEK_CUR) == 15
    assert raw.read(3) == data[15:18]
    with pytest.raises(ValueError):
        raw.seek(-1)
    with pytest.raises(ValueError):
        raw.seek(0, 7)
    handle = release_archive_open(pk=release.pk, buffer_size=1024)
    assert handle.read(1000) == data[:1000]
    assert handle.read(100) == data[1000:1100]  # across the first buffer's edge
    assert handle.read(5000) == data[1100:6100]  # more than a buffer at once
    handle.seek(-3000, io.SEEK_END)
    assert handle.read() == data[-3000:]
    handle.seek(1020)
    assert handle.read(10) == data[1020:1030]


def test_a_release_that_goes_away_mid_read_is_an_error_not_padding(world):
    """A download cut short by the release's row disappearing fails, never sends less than
    its Content-Length silently as if it were whole."""
    release = _release(os.urandom(100))
    raw = ReleaseArchive(pk=release.pk)
    DataRelease.objects.filter(pk=release.pk).delete()
    with pytest.raises(ReleaseGone):
        raw.read(10)
    release = _release(os.urandom(2 * CHUNK))
    chunks = release_archive_chunks(pk=release.pk, size=2 * CHUNK)
    assert len(next(chunks)) == CHUNK
    DataRelease.objects.filter(pk=release.pk).delete()
    with pytest.raises(ReleaseGone):
        next(chunks)


def _peak(client, url: str) -> int:
    tracemalloc.start()
    try:
        response = client.get(url)
        for _chunk in response.streaming_content:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_as_the_release_grows(client, world):
    """Serving an 8 MiB release costs far less memory than eight times a 1 MiB one (under
    2×), for the zip and for a file out of it: they stream."""
    small = _release(_zip(2**20))
    DataRelease.objects.create(kind="coalitions", key="ambridge", release_date=date(2026, 3, 6),
                               version="2026-03-06", archive=_zip(8 * 2**20), files=[])
    assert small.pk
    for name in (".zip", "/noise.bin"):
        _peak(client, f"{BASE}/{VERSION}{name}")  # warm caches
        small_peak = _peak(client, f"{BASE}/{VERSION}{name}")
        large_peak = _peak(client, f"{BASE}/2026-03-06{name}")
        assert large_peak < 2 * small_peak, (name, small_peak, large_peak)
        assert large_peak < 2 * 2**20, (name, large_peak)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's storage setting")
def test_postgresql_keeps_archives_uncompressed_out_of_line(world):
    """The migration sets STORAGE EXTERNAL, so a range read fetches only its TOAST chunks."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT attstorage FROM pg_attribute WHERE attrelid = "
                       "'opendata_datarelease'::regclass AND attname = 'archive'")
        assert cursor.fetchone() == ("e",)
