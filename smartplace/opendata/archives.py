"""
Reading a release's zip (`DataRelease.archive`) in ranges, never whole.

Each read is one query selecting `substr(archive, offset, n)` (SQLite, on a BLOB) or
`substring(archive from offset for n)` (PostgreSQL, on `bytea`): both count bytes, so memory
stays bounded by the chunk size however large the archive is. Releases never change once
made, so reads in separate queries see the same bytes. `ReleaseArchive` is a read-only,
seekable raw file over those reads, enough for `zipfile` to take one file out of the zip.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from django.db.models import BinaryField, Func, IntegerField

from smartplace.opendata.models import DataRelease

#: Bytes read from the database at a time (and the buffer of `release_archive_open`).
CHUNK = 256 * 1024


class ByteRange(Func):
    """
    `length` bytes of a BLOB / `bytea` expression from byte `start` (counted from 1), as
    bytes: `substr(archive, start, length)`, which SQLite and PostgreSQL both have for binary
    values (on PostgreSQL the same as `substring(archive from start for length)`). Django's
    `Substr` is typed as text and would decode them.
    """

    function = "SUBSTR"
    output_field = BinaryField()


class ByteLength(Func):
    """The length in bytes of a BLOB / `bytea` expression (`length()` counts bytes for both)."""

    function = "LENGTH"
    output_field = IntegerField()


class ReleaseGone(OSError):
    """The release's row went away (or shrank) while its archive was being read."""


def release_archive_size(*, pk: int) -> int:
    """The size in bytes of release `pk`'s zip, from the database (the zip is not read)."""
    size = (DataRelease.objects.filter(pk=pk).annotate(size=ByteLength("archive"))
            .values_list("size", flat=True).first())
    if size is None:
        raise ReleaseGone(f"release {pk} has no archive")
    return size


def release_archive_read(*, pk: int, offset: int, size: int) -> bytes:
    """Up to `size` bytes of release `pk`'s zip from byte `offset` (from 0): one query."""
    if size <= 0:
        return b""
    value = (DataRelease.objects.filter(pk=pk)
             .annotate(part=ByteRange("archive", offset + 1, size))
             .values_list("part", flat=True).first())
    if value is None:
        raise ReleaseGone(f"release {pk} has no archive")
    return bytes(value)


def release_archive_chunks(*, pk: int, size: int, chunk: int = CHUNK) -> Iterator[bytes]:
    """
    The `size` bytes of release `pk`'s zip, `chunk` bytes (one query) at a time. Raises
    ReleaseGone if the archive ends early: the response is then cut short, never padded.
    """
    for offset in range(0, size, chunk):
        wanted = min(chunk, size - offset)
        part = release_archive_read(pk=pk, offset=offset, size=wanted)
        if len(part) != wanted:
            raise ReleaseGone(f"release {pk}'s archive ended at byte {offset + len(part)} "
                              f"of {size}")
        yield part


class ReleaseArchive(io.RawIOBase):
    """
    A read-only, seekable raw file over release `pk`'s zip: each `readinto` is one range
    read. Wrap it in `io.BufferedReader` (as `release_archive_open` does) so that the many
    small reads of `zipfile` share a query.
    """

    def __init__(self, *, pk: int, size: int | None = None):
        super().__init__()
        self.pk = pk
        self.size = release_archive_size(pk=pk) if size is None else size
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        self._checkClosed()
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move to `offset` from the start, the current position or the end; never before
        the start (ValueError), past the end is allowed (reads there return nothing)."""
        self._checkClosed()
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}.get(whence)
        if base is None:
            raise ValueError(f"invalid whence ({whence})")
        if base + offset < 0:
            raise ValueError(f"negative seek position {base + offset}")
        self._position = base + offset
        return self._position

    def readinto(self, buffer) -> int:
        self._checkClosed()
        wanted = min(len(buffer), self.size - self._position)
        if wanted <= 0:
            return 0
        data = release_archive_read(pk=self.pk, offset=self._position, size=wanted)
        if not data:
            raise ReleaseGone(f"release {self.pk}'s archive ended at byte {self._position}")
        count = len(data)
        memoryview(buffer)[:count] = data
        self._position += count
        return count


def release_archive_open(*, pk: int, size: int | None = None,
                         buffer_size: int = CHUNK) -> io.BufferedReader:
    """Release `pk`'s zip as a buffered, seekable binary file read in ranges of
    `buffer_size` bytes (or larger reads at once); `size` if already known saves a query."""
    return io.BufferedReader(ReleaseArchive(pk=pk, size=size), buffer_size=buffer_size)


class ReleaseFile:
    """
    One file of a release's zip, opened for streaming: `size` (bytes once decompressed) and
    iteration over its content in chunks. `close()` closes the zip (a streaming response
    calls it, whether or not the body was read).
    """

    def __init__(self, opened: zipfile.ZipFile, info: zipfile.ZipInfo, chunk: int):
        self._zip, self._info, self._chunk = opened, info, chunk
        self._handle = opened.fp
        self.size = info.file_size

    def __iter__(self) -> Iterator[bytes]:
        with self._zip.open(self._info) as member:
            while part := member.read(self._chunk):
                yield part

    def close(self) -> None:
        self._zip.close()
        self._handle.close()


def release_file_open(*, release: DataRelease, name: str,
                      chunk: int = 64 * 1024) -> ReleaseFile | None:
    """
    File `name` of `release` (its path in the zip after the package's folder), opened to
    stream, or None when it has no such file. Reads the zip's directory and the file's bytes
    in ranges, never the whole zip; the member's CRC is checked as it is read.
    """
    handle = release_archive_open(pk=release.pk)
    opened = zipfile.ZipFile(handle)
    for info in opened.infolist():
        if info.filename.split("/", 1)[-1] == name:
            return ReleaseFile(opened, info, chunk)
    opened.close()
    handle.close()
    return None
