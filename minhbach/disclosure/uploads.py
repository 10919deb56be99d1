"""Validation of the files attached to a portal article.

The type is decided by the first bytes (the "magic number"), never by the extension or the
``Content-Type`` the browser claims. Published documents are PDF, Word (DOCX), Excel (XLSX),
JPEG or PNG; DOCX and XLSX are ZIP packages, told apart by the part names inside. The same
approach as ``minhbach.dossiers.uploads`` (which only accepts PDF, JPEG and PNG from citizens);
the limit is read at call time from ``DISCLOSURE_UPLOAD_MAX_FILE_BYTES``.
"""

from __future__ import annotations

import secrets
import zipfile
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
ZIP_MAGIC = b"PK\x03\x04"
HEAD_BYTES = 8


def max_file_bytes() -> int:
    return int(getattr(settings, "DISCLOSURE_UPLOAD_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES))


def format_megabytes(size: int) -> str:
    value = round(size / (1024 * 1024), 1)
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",") + " MB"


def _office_kind(file: IO[bytes]) -> tuple[str, str] | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX, "docx"
    if "xl/workbook.xml" in names:
        return XLSX, "xlsx"
    return None


def sniff(file: IO[bytes]) -> tuple[str, str] | None:
    """(MIME type, extension) read from the content, or ``None`` for anything else."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    for signature, mime, extension in SIGNATURES:
        if head.startswith(signature):
            return mime, extension
    if head.startswith(ZIP_MAGIC):
        kind = _office_kind(file)
        file.seek(0)
        return kind
    return None


def validate_upload(file) -> str:
    """Check one file; return its real MIME type or raise a Vietnamese ``ValidationError``.

    On success the file gets a random stored name with the extension of its real type; its
    original name is kept in ``original_name`` for the link text.
    """
    if not file.size:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": file.name}, code="empty")
    limit = max_file_bytes()
    if file.size > limit:
        raise ValidationError(
            _("Tệp “%(name)s” lớn hơn %(limit)s cho phép.")
            % {"name": file.name, "limit": format_megabytes(limit)},
            code="too_big",
        )
    kind = sniff(file)
    if kind is None:
        raise ValidationError(
            _("Tệp “%(name)s” không đúng định dạng. Chỉ nhận tệp PDF, DOCX, XLSX, JPEG, PNG.")
            % {"name": file.name},
            code="bad_type",
        )
    mime, extension = kind
    if not getattr(file, "original_name", ""):
        file.original_name = file.name
    file.content_type = mime
    file.name = f"{secrets.token_hex(16)}.{extension}"
    return mime
