"""File checks of the online submission: type by magic bytes, size per file and per dossier."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from minhbach.dossiers import uploads

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def upload(content: bytes, name: str = "giay-to.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("content", "mime", "extension"),
    [(PDF, "application/pdf", "pdf"), (JPEG, "image/jpeg", "jpg"), (PNG, "image/png", "png")],
)
def test_accepted_types_are_recognised_by_their_bytes_whatever_the_name(content, mime, extension):
    file = upload(content, name="Ho Thi Lan 049190000123.bin", content_type="application/octet-stream")
    assert uploads.validate_upload(file) == mime
    assert file.content_type == mime
    # The citizen's file name (here with a name and an ID number) is replaced by a random one.
    assert file.name.endswith(f".{extension}")
    assert "049190000123" not in file.name and "Lan" not in file.name
    assert file.read() == content  # the file is rewound after sniffing


@pytest.mark.parametrize(
    "content",
    [
        b"<html><script>alert(1)</script></html>",  # HTML renamed to .pdf
        b"MZ\x90\x00\x03\x00\x00\x00",  # Windows executable
        b"PK\x03\x04\x14\x00\x06\x00",  # a .docx / zip
        b"GIF89a\x01\x00\x01\x00",  # an image type not accepted
        b" %PDF-1.4 with a leading space",
    ],
)
def test_other_content_is_refused_even_with_a_pdf_name_and_type(content):
    file = upload(content, name="to-khai.pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        uploads.validate_upload(file)
    assert error.value.code == "bad_type"
    assert "PDF, JPEG, PNG" in error.value.messages[0]


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        uploads.validate_upload(upload(b""))
    assert error.value.code == "empty"


def test_size_limit_per_file_is_read_from_settings(settings):
    settings.DOSSIER_UPLOAD_MAX_FILE_BYTES = 1024
    uploads.validate_upload(upload(PDF + b"0" * (1024 - len(PDF))))
    with pytest.raises(ValidationError) as error:
        uploads.validate_upload(upload(PDF + b"0" * (1025 - len(PDF))))
    assert error.value.code == "too_big"


def test_default_limits_are_10_and_30_megabytes(settings):
    for name in ("DOSSIER_UPLOAD_MAX_FILE_BYTES", "DOSSIER_UPLOAD_MAX_TOTAL_BYTES"):
        if hasattr(settings, name):
            delattr(settings, name)
    assert uploads.max_file_bytes() == 10 * 1024 * 1024
    assert uploads.max_total_bytes() == 30 * 1024 * 1024
    assert uploads.format_megabytes(uploads.max_file_bytes()) == "10 MB"
    assert uploads.format_megabytes(1572864) == "1,5 MB"


def test_total_size_limit(settings):
    settings.DOSSIER_UPLOAD_MAX_TOTAL_BYTES = 2000
    files = [upload(PDF + b"0" * 900), upload(PNG + b"0" * 900)]
    uploads.validate_total(files)
    files.append(upload(PDF + b"0" * 200))
    with pytest.raises(ValidationError) as error:
        uploads.validate_total(files)
    assert error.value.code == "total_too_big"
