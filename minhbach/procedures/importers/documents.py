"""The "Thành phần hồ sơ" table: documents, their group, form template and number of copies.

Flattened, it reads::

    * Giấy tờ phải nộp:Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai …Mẫu số 05.docx1 bản chính
    - Giấy tờ khác…0 bản chính,1 bản sao* Giấy tờ phải xuất trình:Tên giấy tờMẫu đơn, tờ khaiSố lượng…

* Each "Tên giấy tờ / Mẫu đơn, tờ khai / Số lượng" header opens a group; the text before it is
  the group's heading ("Giấy tờ phải nộp", a case such as "Trường hợp …"); ``--`` means none.
* A row ends with its quantity cell, ``"<n> bản chính"`` optionally followed by
  ``",<m> bản sao"`` (also read: ``"Bản chính: 1 Bản sao: 0"``). Document names mention copies
  too ("01 bản chính văn bản…"), but there the words run on with a space or lower case, while
  the cell is followed by the next row directly. The digit just before "bản chính" is the count:
  names often end in a number ("Mẫu số 18" + "1 bản chính" = "Mẫu số 181 bản chính").
* The form template is a file name printed between name and quantity
  (``"…NĐ-CP.Mẫu số 05.docx1 bản chính"``). It starts where the name's text stops without a
  space: after a full stop or semicolon, or at a lower → upper case change ("khoáng sảnMau 36").
  When no such point is near, the template is left empty and the name kept whole.
* Text after the last quantity of the table is a document without a quantity.
* "(nếu có)" in the name makes the document optional: the source's own words.
"""

from __future__ import annotations

import dataclasses
import re

from django.utils.translation import gettext as _

from minhbach.procedures.importers.common import clean, is_no_info, one_line
from minhbach.procedures.services import DocumentData

HEADER = re.compile(r"Tên giấy tờ\s*Mẫu đơn, tờ khai\s*Số lượng")
_QUANTITY = re.compile(
    r"(?P<originals>\d) bản chính(?:\s*,\s*(?P<copies>\d+) bản sao)?"
    r"|(?<!\d)(?P<only_copies>\d) bản sao"
    r"|Bản chính:\s*(?P<labelled_originals>\d+)\s*Bản sao:\s*(?P<labelled_copies>\d+)",
)
_EXTENSION = re.compile(r"\.(?:docx?|pdf|xlsx?|odt|ods|rtf|zip|rar|jpe?g|png)", re.IGNORECASE)
_EXTENSION_AT_END = re.compile(_EXTENSION.pattern + "$", re.IGNORECASE)
_TEMPLATE_MAX = 160
_OPTIONAL = re.compile(r"\(\s*nếu có\s*\)", re.IGNORECASE)


@dataclasses.dataclass
class DocumentTable:
    documents: list[DocumentData]
    notes: list[str] = dataclasses.field(default_factory=list)


def _is_cell_end(text: str, end: int) -> int | None:
    """Where a quantity cell ending at ``end`` really ends, or None when it is part of a name."""
    if text[end : end + 1] == ".":
        end += 1
    following = text[end : end + 1]
    if not following:
        return end
    if following.isspace() or following in ".,;:)":
        return None
    if following.islower() and text[end + 1 : end + 2] not in (")", "."):
        return None  # words run on; but "b) Bản thuyết minh…" is the next row
    return end


def _template_start(row: str, ext_at: int) -> int | None:
    """Start of the file name that ends at the first extension, or None when unsure."""
    lowest = max(0, ext_at - _TEMPLATE_MAX)
    for i in range(ext_at - 1, lowest, -1):
        prev, ch = row[i - 1], row[i]
        if ch.isspace() or prev.isspace():
            continue
        after_stop = prev in ";:)" or (
            prev == "."
            and i >= 2
            and row[i - 2].isalpha()
            and ch.isalpha()
            and (ch.isupper() or row[i - 2].isupper())
        )
        case_change = prev.islower() and ch.isupper()
        capital_word = prev.isupper() and ch.isupper() and row[i + 1 : i + 2].islower()
        if after_stop or case_change or capital_word:
            return i
    return 0 if ext_at <= _TEMPLATE_MAX else None


def split_template(row: str) -> tuple[str, str]:
    """``"Tờ khai….Mẫu số 05.docx"`` → (``"Tờ khai…."``, ``"Mẫu số 05.docx"``)."""
    row = row.strip()
    if not _EXTENSION_AT_END.search(row):
        return row, ""
    first = _EXTENSION.search(row)
    start = _template_start(row, first.start()) if first else None
    if not start:
        return row, ""
    return row[:start].strip(), row[start:].strip(" .")


def _quantity(match: re.Match[str]) -> tuple[int | None, int | None]:
    if match["labelled_originals"] is not None:
        return int(match["labelled_originals"]), int(match["labelled_copies"])
    if match["only_copies"] is not None:
        return None, int(match["only_copies"])
    copies = match["copies"]
    return int(match["originals"]), int(copies) if copies is not None else None


def _heading(text: str) -> str:
    text = one_line(text).strip(" -*+:")
    return "" if is_no_info(text) else text


def _document(name: str, group: str, quantity: re.Match[str] | None) -> DocumentData:
    name, template = split_template(one_line(name))
    originals, copies = _quantity(quantity) if quantity else (None, None)
    return DocumentData(
        name=name,
        group=group,
        form_template=template,
        originals=originals,
        copies=copies,
        quantity_text=quantity.group(0) if quantity else "",
        mandatory=not _OPTIONAL.search(name),
    )


def parse_documents(text: str) -> DocumentTable:
    """Parse a whole "Thành phần hồ sơ" value."""
    text = clean(text)
    table = DocumentTable(documents=[])
    headers = list(HEADER.finditer(text))
    if not headers:
        if not is_no_info(text):
            table.notes.append(
                _("thành phần hồ sơ không có dạng bảng, giữ nguyên văn: “%(text)s”")
                % {"text": one_line(text)[:120]}
            )
        return table
    heading = _heading(text[: headers[0].start()])
    for i, header in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(text)
        body = text[header.end() : end]
        cursor = 0
        for match in _QUANTITY.finditer(body):
            cell_end = _is_cell_end(body, match.end())
            if cell_end is None or match.start() < cursor or _QUANTITY.match(body, cell_end):
                continue  # part of a name ("…: 01 bản chính" + "1 bản chính": the last one is the cell)
            name = body[cursor : match.start()]
            if one_line(name):
                table.documents.append(_document(name, heading, match))
            cursor = cell_end
        rest = body[cursor:]
        if i + 1 < len(headers):
            heading = _heading(rest)
        elif one_line(rest).strip(" -*+:"):
            table.documents.append(_document(rest, heading, None))
    return table
