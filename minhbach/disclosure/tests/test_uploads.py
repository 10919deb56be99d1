"""Attachments are checked by their first bytes and size; a bad file refuses the whole save."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from minhbach.disclosure import services, uploads
from minhbach.disclosure.models import Article, ArticleAttachment

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "mime", "extension"),
    [
        (PDF, "application/pdf", "pdf"),
        (PNG, "image/png", "png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg", "jpg"),
        (office("word/document.xml"), uploads.DOCX, "docx"),
        (office("xl/workbook.xml"), uploads.XLSX, "xlsx"),
    ],
)
def test_accepted_types_by_magic_bytes(content, mime, extension):
    file = SimpleUploadedFile("Ke hoach cua Nguyen Van A.bin", content, content_type="text/plain")
    assert uploads.validate_upload(file) == mime
    assert file.content_type == mime
    assert file.name.endswith(f".{extension}") and "Nguyen" not in file.name
    assert file.original_name == "Ke hoach cua Nguyen Van A.bin"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"MZ\x90\x00 not a document", "bad_type"),
        (b"<html><script>alert(1)</script>", "bad_type"),
        (office("ppt/presentation.xml"), "bad_type"),
        (b"PK\x03\x04 broken zip", "bad_type"),
        (b"", "empty"),
    ],
)
def test_refused_types(content, code):
    file = SimpleUploadedFile("bao-cao.pdf", content, content_type="application/pdf")
    with pytest.raises(ValidationError) as info:
        uploads.validate_upload(file)
    assert info.value.code == code


def test_size_limit(settings):
    settings.DISCLOSURE_UPLOAD_MAX_FILE_BYTES = 1024
    file = SimpleUploadedFile("bao-cao.pdf", PDF + b"0" * 2000)
    with pytest.raises(ValidationError, match="lớn hơn"):
        uploads.validate_upload(file)


def test_bad_file_writes_nothing(district, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    good = SimpleUploadedFile("ke-hoach.pdf", PDF)
    bad = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(ValidationError, match="Chỉ nhận tệp PDF, DOCX, XLSX, JPEG, PNG"):
        services.article_save(
            actor=None, agency=district.committee, category="plan", title="Kế hoạch", files=[good, bad]
        )
    assert not Article.objects.exists() and not ArticleAttachment.objects.exists()
    assert not any(tmp_path.rglob("*.*"))
