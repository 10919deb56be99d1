"""Validation of the files a citizen attaches to an online dossier.

Only PDF, JPEG and PNG are accepted (the formats the desk can open and archive, NĐ 45/2020/NĐ-CP
Điều 9 on electronic dossier components). The type is decided by the file's first bytes (its
"magic number"), never by the name's extension or the ``Content-Type`` the browser claims, both
of which the sender controls. Sizes are limited per file and per dossier; the limits are read
from settings at call time (``DOSSIER_UPLOAD_MAX_FILE_BYTES``, ``DOSSIER_UPLOAD_MAX_TOTAL_BYTES``)
so a province can raise them without a code change.

Stored files get a random name with the extension of their real type: the citizen's own file
name (often their name or ID number) never reaches a path or a URL.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.utils.translation import gettext as _

DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_TOTAL_BYTES = 30 * 1024 * 1024

#: Signature → (MIME type, extension of the stored file).
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
HEAD_BYTES = max(len(signature) for signature, _mime, _ext in SIGNATURES)


def max_file_bytes() -> int:
    return int(getattr(settings, "DOSSIER_UPLOAD_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES))


def max_total_bytes() -> int:
    return int(getattr(settings, "DOSSIER_UPLOAD_MAX_TOTAL_BYTES", DEFAULT_MAX_TOTAL_BYTES))


def format_megabytes(size: int) -> str:
    """10485760 → "10 MB", 1572864 → "1,5 MB" (Vietnamese decimal comma)."""
    value = round(size / (1024 * 1024), 1)
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')} MB"


def sniff(file: IO[bytes]) -> tuple[str, str] | None:
    """(MIME type, extension) read from the first bytes, or ``None`` for anything else."""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(position)
    for signature, mime, extension in SIGNATURES:
        if head.startswith(signature):
            return mime, extension
    return None


def validate_upload(file) -> str:
    """Check one uploaded file; return its real MIME type or raise a Vietnamese ``ValidationError``."""
    if not file.size:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": file.name}, code="empty")
    limit = max_file_bytes()
    if file.size > limit:
        raise ValidationError(
            _("Tệp “%(name)s” lớn hơn %(limit)s cho phép mỗi tệp.")
            % {"name": file.name, "limit": format_megabytes(limit)},
            code="too_big",
        )
    kind = sniff(file)
    if kind is None:
        raise ValidationError(
            _("Tệp “%(name)s” không phải PDF, JPEG hoặc PNG. Chỉ nhận tệp PDF, JPEG, PNG.")
            % {"name": file.name},
            code="bad_type",
        )
    mime, extension = kind
    file.content_type = mime  # the checked type replaces the browser's claim
    file.name = f"{secrets.token_hex(16)}.{extension}"
    return mime


def validate_total(files: Iterable) -> None:
    """The sum of the sizes must stay under the per-dossier limit."""
    total = sum(f.size or 0 for f in files)
    limit = max_total_bytes()
    if total > limit:
        raise ValidationError(
            _("Tổng dung lượng các tệp (%(total)s) vượt quá %(limit)s cho phép mỗi hồ sơ.")
            % {"total": format_megabytes(total), "limit": format_megabytes(limit)},
            code="total_too_big",
        )


class LimitedUploadHandler(FileUploadHandler):
    """Stops reading a file (or the whole upload) as soon as it passes the limits.

    Installed first in the submission view, so an oversized upload is not written to a
    temporary file in full before the form refuses it; ``errors`` says what was cut. A cap
    in the web server (``client_max_body_size``) should still sit in front of it.
    """

    def __init__(self, request=None) -> None:
        super().__init__(request)
        self.file_limit = max_file_bytes()
        self.total_limit = max_total_bytes()
        self.file_bytes = 0
        self.total_bytes = 0
        self.errors: list[str] = []

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.file_bytes = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.file_bytes += len(raw_data)
        self.total_bytes += len(raw_data)
        if self.total_bytes > self.total_limit:
            self.errors.append(
                _("Tổng dung lượng các tệp vượt quá %(limit)s cho phép mỗi hồ sơ.")
                % {"limit": format_megabytes(self.total_limit)}
            )
            raise StopUpload(connection_reset=False)
        if self.file_bytes > self.file_limit:
            self.errors.append(
                _("Tệp “%(name)s” lớn hơn %(limit)s cho phép mỗi tệp.")
                % {"name": self.file_name, "limit": format_megabytes(self.file_limit)}
            )
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
