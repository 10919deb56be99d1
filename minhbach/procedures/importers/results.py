"""The "Kết quả thực hiện" block: results with their codes, then keywords and description.

Flattened, it reads::

    Trích lục đăng ký nhận cha, mẹ, conMã: KQ.G15.000033Từ khóaKhông có thông tinMô tả…
    Chọn cơ quan thực hiệnTỉnh/ Thành phốBộ ngành-- Chọn Tỉnh/ Thành phố --…Nộp hồ sơ

Each result is a name followed by ``Mã: <code>``; the codes are ``KQ.G15.000033`` in the
national scheme, with local variants (``KQ-G10.000005``, ``000.00.00.G11-KQ1711``,
``BQP-CCS.KQ0001``). After the results come the procedure's own keywords ("Từ khóa") and
description ("Mô tả"), then the portal's agency picker ("Chọn cơ quan thực hiện…"), which is
page furniture and is dropped.

A code is read only when it has a code's shape (capitals, digits, dots, dashes, ending in a
digit); "Mã: Chưa xác định rõ" gives a result without a code, not a code "Chưa xác định rõ".
"""

from __future__ import annotations

import dataclasses
import re

from django.utils.translation import gettext as _

from minhbach.procedures.importers.common import clean, one_line, or_empty
from minhbach.procedures.services import ResultData

_PORTAL_FURNITURE = re.compile(r"Chọn cơ quan thực hiện|Hệ thống chỉ hiển thị những cơ quan|Nộp hồ sơ$")
_CODE_MARK = re.compile(r"Mã:\s*")
_CODE = re.compile(r"KQ[.-][A-Z]\d{2}[.-](?:KQ-)?\d{4,7}|[A-Z0-9][A-Z0-9.\-]*\d|[A-Z]{2,10}(?![a-zà-ỹđ])")
_KEYWORDS = "Từ khóa"
_DESCRIPTION = "Mô tả"


@dataclasses.dataclass
class ResultBlock:
    results: list[ResultData]
    keywords: str = ""
    description: str = ""
    notes: list[str] = dataclasses.field(default_factory=list)


def _name(text: str) -> str:
    return one_line(text).strip(" .;-+")


def parse_results(text: str) -> ResultBlock:
    """Parse the whole "Kết quả thực hiện" value (crawled as ``ket_qua_xu_ly``)."""
    text = clean(text)
    furniture = _PORTAL_FURNITURE.search(text)
    if furniture:
        text = text[: furniture.start()]
    block = ResultBlock(results=[])
    keywords_at = text.rfind(_KEYWORDS)
    if keywords_at >= 0:
        tail = text[keywords_at + len(_KEYWORDS) :]
        text = text[:keywords_at]
        keywords, _sep, description = tail.partition(_DESCRIPTION)
        block.keywords = or_empty(keywords)
        block.description = or_empty(description)
    marks = list(_CODE_MARK.finditer(text))
    if not marks:
        if one_line(text):
            block.notes.append(
                _("kết quả thực hiện không có mã kết quả, giữ nguyên văn: “%(text)s”")
                % {"text": one_line(text)[:120]}
            )
        return block
    name = text[: marks[0].start()]
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        segment = text[mark.end() : end]
        code = _CODE.match(segment)
        if code:
            following = segment[code.end() :]
            block.results.append(ResultData(name=_name(name), code=code.group(0)))
        else:
            # "Mã: Chưa xác định rõ": no code. In the last segment that text is the code's
            # placeholder; elsewhere the next result's name follows directly and stays whole.
            following = segment if i + 1 < len(marks) else ""
            block.results.append(ResultData(name=_name(name)))
        name = following
    if _name(name):
        block.results.append(ResultData(name=_name(name)))
    block.results = [r for r in block.results if r.name or r.code]
    return block
