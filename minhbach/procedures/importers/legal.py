"""The "Căn cứ pháp lý" table: legal texts (title + number) a procedure rests on.

Flattened, each row is a title followed directly by the text's number (*số, ký hiệu*)::

    Tên văn bản pháp lýMã văn bảnLuật Hộ tịch60/2014/QH13Nghị định số 123/2015/NĐ-CP ngày
    15/11/2015 của Chính phủ quy định chi tiết…123/2015/NĐ-CPThông tư 04/2020/TT-BTP…

A number has the shape ``<n>/<year>/<kind>-<issuer>`` ("85/2019/TT-BTC", "123/2015/NĐ-CP",
"66.7/2025/NQ-CP") or ``<n>/<year>/QH<term>`` for laws ("60/2014/QH13"), sometimes without the
year ("595/QĐ-BHXH"). Titles quote numbers too ("Luật Nhà ở số 27/2023/QH15"), so a number
closes a row only where the row really ends: at the end of the table, or where the next title
starts (a letter right after it, a space and a capital, or a different number; the same number
again is the title quoting what the number column repeats). A number glued to a title's digits
is recognised by its length: "Luật Doanh nghiệp 2020" + "59/2020/QH14" reads "202059/2020/QH14",
and no text number has more than four digits.

A row with no number at all (the source sometimes repeats the title in the number column) is
merged into the next row's title: nothing is invented.
"""

from __future__ import annotations

import re

from minhbach.procedures.importers.common import clean, is_no_info, one_line
from minhbach.procedures.services import LegalBasisData

HEADER = re.compile(r"^\s*Tên văn bản pháp lý\s*Mã văn bản")
# NĐ-CP, TT-BTC, QĐ-TTg, TTLT-BTC-BTP, NQ-UBTVQH15; digits only after "QH" (the legislature), so
# that "NĐ-CP155/2020/NĐ-CP" (a title quoting the number, then the number) is read as two numbers.
_CODE = r"[A-ZĐ]+(?:-(?:TTg|[A-ZĐ]*QH\d{2}|[A-ZĐ]+))*"
_NUMBER = re.compile(
    rf"(?P<n>\d+[a-z]?(?:\.\d+)?)/(?:(?P<year>(?:19|20)\d\d)/)?"
    rf"(?P<kind>QH\d{{2}}|{_CODE})"
)
ISSUERS = {
    "CP": "Chính phủ",
    "TTg": "Thủ tướng Chính phủ",
    "BTC": "Bộ Tài chính",
    "BTP": "Bộ Tư pháp",
    "BCA": "Bộ Công an",
    "BXD": "Bộ Xây dựng",
    "BNNMT": "Bộ Nông nghiệp và Môi trường",
    "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn",
    "BTNMT": "Bộ Tài nguyên và Môi trường",
    "BGTVT": "Bộ Giao thông vận tải",
    "BKHĐT": "Bộ Kế hoạch và Đầu tư",
    "BCT": "Bộ Công Thương",
    "BYT": "Bộ Y tế",
    "BNV": "Bộ Nội vụ",
    "BLĐTBXH": "Bộ Lao động - Thương binh và Xã hội",
    "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "BQP": "Bộ Quốc phòng",
    "BNG": "Bộ Ngoại giao",
    "BTTTT": "Bộ Thông tin và Truyền thông",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "BKHCN": "Bộ Khoa học và Công nghệ",
    "NHNN": "Ngân hàng Nhà nước Việt Nam",
    "VPCP": "Văn phòng Chính phủ",
    "TANDTC": "Tòa án nhân dân tối cao",
}


def issuer_of(number: str) -> str:
    """The issuer named by a number's suffix ("123/2015/NĐ-CP" → "Chính phủ"); "" if unclear.

    Only suffixes that name one body are mapped; "UBND" (which province?) and joint texts
    ("TTLT-BTC-BTP") are left empty rather than guessed.
    """
    if re.search(r"/QH\d{2}$", number):
        return "Quốc hội"
    if re.search(r"UBTVQH\d*$", number):
        return "Ủy ban Thường vụ Quốc hội"
    parts = number.rsplit("/", 1)[-1].split("-")
    if len(parts) != 2:
        return ""
    return ISSUERS.get(parts[1], "")


# Suffix parts that are codes, beyond the issuers above: kinds of text and other bodies.
_KNOWN_CODES = frozenset(ISSUERS) | {
    "NĐ", "TT", "TTLT", "QĐ", "NQ", "PL", "L", "CT", "BHXH", "HĐND", "UBND", "TCHQ", "VKSNDTC",
    "HĐTP", "UBTVQH", "QH", "CTN", "KTNN", "TLĐ", "MTTQ",
}  # fmt: skip


def _ends_row(text: str, end: int) -> int | None:
    """Where the row ends if a number ending at ``end`` closes it (full stops included), else None."""
    while text[end : end + 1] == ".":
        end += 1
    following = text[end : end + 1]
    if not following or following.isalpha():
        return end
    if following.isspace() and text[end + 1 : end + 2].isupper():
        return end
    return None


def _trim_suffix(text: str, match: re.Match[str]) -> int:
    """End of the number once the start of the next title is given back.

    "NĐ-CPLuật" swallows the "L" of "Luật", "NĐ-CPLUẬT" the "LU": the last part of the suffix is
    cut back to the longest known code it starts with. An unknown part followed by lower case
    gives back its last capital ("NQ-HĐNDQuy" → "NQ-HĐND"); a known one keeps it ("NĐ-CPquy").
    """
    end = match.end()
    part_start = max(text.rfind("-", match.start(), end), text.rfind("/", match.start(), end)) + 1
    part = text[part_start:end]
    if part in _KNOWN_CODES or re.fullmatch(r"[A-ZĐ]*QH\d{2}", part):
        return end
    prefixes = [code for code in _KNOWN_CODES if part.startswith(code)]
    if prefixes:
        return part_start + len(max(prefixes, key=len))
    if text[end : end + 1].islower():
        end -= 1
        return end - 1 if end == part_start else end  # "NĐ-CP-Quy định": drop the "-" too
    return end


def _strip_year_glue(number: str) -> tuple[str, str]:
    """``"202059/2020/QH14"`` → (``"2020"``, ``"59/2020/QH14"``): the year ends the title.

    No text is numbered beyond four digits, so a longer number that starts with a year
    ("Luật Doanh nghiệp 2020", "đến năm 2030") carries the title's last word.
    """
    head = number.split("/", 1)[0]
    if len(head) > 4 and re.match(r"(?:19|20)\d\d", head):
        rest = number[4:]
        return number[: len(number) - len(rest.lstrip("."))], rest.lstrip(".")  # "năm 2022.65/2025/…"
    return "", number


def parse_legal_bases(text: str) -> list[LegalBasisData]:
    """Parse the whole "Căn cứ pháp lý" value; "Không có thông tin" gives an empty list."""
    text = clean(text)
    header = HEADER.match(text)
    if not header:
        return [] if is_no_info(text) else _loose(text)
    body = text[header.end() :]
    bases: list[LegalBasisData] = []
    cursor = 0
    for match in _NUMBER.finditer(body):
        end = _trim_suffix(body, match)
        row_end = _ends_row(body, end)
        following = _NUMBER.match(body, end)
        if (
            row_end is None
            and following
            and following.group(0)[: end - match.start()] != body[match.start() : end]
        ):
            row_end = end  # "…68/2025/TT-BTC47/2019/TT-BTC…": a number, then the next row's number
        if match.start() < cursor or row_end is None:
            continue
        glue, number = _strip_year_glue(body[match.start() : end])
        title = one_line(body[cursor : match.start()] + glue).strip(" ;,.")
        bases.append(LegalBasisData(number=number, title=title, issuer=issuer_of(number)))
        cursor = row_end
    rest = one_line(body[cursor:])
    if rest:
        bases.append(LegalBasisData(title=rest))
    return bases


def _loose(text: str) -> list[LegalBasisData]:
    """Text without the table header: one basis per number mentioned, title = the whole text."""
    title = one_line(text).lstrip(": ")
    numbers = list(dict.fromkeys(m.group(0) for m in _NUMBER.finditer(title)))
    if not numbers:
        return [LegalBasisData(title=title)]
    return [LegalBasisData(number=n, title=title, issuer=issuer_of(n)) for n in numbers]
