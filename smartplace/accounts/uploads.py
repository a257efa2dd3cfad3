"""
Checks for uploaded files, for every form that takes one:
`forms.FileField(validators=[validate_upload])`, or call `validate_upload(file, kinds=...)`.

A file is refused, with a message naming the limit, when it is larger than
SMARTPLACE_MAX_UPLOAD_BYTES, when its name's extension is not one of the kinds allowed, or when
its first bytes do not match that kind (a renamed executable or HTML page is not a CSV).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

#: kind -> (extensions, test of the first bytes)
KINDS = {
    "csv": ({".csv"}, lambda head: _is_text(head)),
    "json": ({".json"}, lambda head: _is_text(head) and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
             in (b"{", b"[")),
    "xlsx": ({".xlsx"}, lambda head: head.startswith(b"PK\x03\x04")),
    "pdf": ({".pdf"}, lambda head: head.startswith(b"%PDF-")),
    "png": ({".png"}, lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpeg": ({".jpg", ".jpeg"}, lambda head: head.startswith(b"\xff\xd8\xff")),
}
DEFAULT_KINDS = ("csv", "json", "xlsx", "pdf")


def _is_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte-order mark
        try:
            text = head[: len(head) // 2 * 2].decode("utf-16")
        except UnicodeDecodeError:
            return False
        return "\x00" not in text and not text.lstrip("\ufeff \t\r\n").lower().startswith(
            ("<!doctype", "<html", "<script"))
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        return error.start >= len(head) - 3
    return not head.lstrip().lower().startswith((b"<!doctype", b"<html", b"<script"))


def megabytes(size: int) -> str:
    """A size as people read it: megabytes to two decimals at most from 1 MB (2621440 →
    "2.5 MB", 1049576 → "1 MB", 10527703 → "10.04 MB"), else kilobytes (5120 → "5 KB") or
    bytes (100 → "100 bytes"), so that a limit is never shown as "0 MB"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.2f}".rstrip("0").rstrip(".") + " MB"
    if size >= 1024:
        return f"{size / 1024:.2f}".rstrip("0").rstrip(".") + " KB"
    return ngettext("%(size)d byte", "%(size)d bytes", size) % {"size": size}


def validate_upload(file, kinds: tuple[str, ...] = DEFAULT_KINDS) -> None:
    """Raise ValidationError unless `file` is small enough and really one of `kinds`."""
    limit = settings.SMARTPLACE_MAX_UPLOAD_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("The file must be smaller than %(limit)s (it is %(size)s)")
            % {"limit": megabytes(limit), "size": megabytes(file.size)}, code="too_large")
    name = (getattr(file, "name", "") or "").lower()
    allowed = {ext: kind for kind in kinds for ext in KINDS[kind][0]}
    extension = next((ext for ext in allowed if name.endswith(ext)), None)
    if extension is None:
        raise ValidationError(
            _("The file must be one of these types: %(types)s")
            % {"types": ", ".join(sorted(k.upper() for k in kinds))}, code="type")
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(2048)
    file.seek(position)
    if isinstance(head, str):
        head = head.encode()
    if not KINDS[allowed[extension]][1](head):
        raise ValidationError(
            _("The file is not a real %(type)s file: its contents do not match its name")
            % {"type": allowed[extension].upper()}, code="contents")
