"""Số quyết định: the announcing decision, which with the code keys a procedure version.

Because the number is part of the key, spellings of one decision must become one number:
"3713/QD-BTP" and "3713/QĐ-BTP", "SỐ 64/QĐ-NHNN" and "64/QĐ-NHNN", "2267./QĐ-BXD" and
"2267/QĐ-BXD" are the same decision. Only those unambiguous spellings are normalised. A number
without the ``<n>/QĐ-<issuer>`` shape ("QĐ/0001-BCA", a bare "9303") is kept as given and
flagged, since it may be a placeholder that would merge unrelated versions.

The issuer is read from the suffix only when it names one body ("QĐ-BTP" → Bộ Tư pháp,
"QĐ-BCA-C06" → Bộ Công an); "QĐ-UBND" does not say which province, so it stays empty.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from minhbach.procedures.importers.common import one_line
from minhbach.procedures.importers.legal import ISSUERS

_SHAPE = re.compile(r"\d+[a-z]?/QĐ-(?P<issuer>[A-ZĐ]+)(?:-[A-Z0-9Đ]+)*")
_ISSUER_BY_CODE = {
    **ISSUERS,
    "TCHQ": "Tổng cục Hải quan",
    "BHXH": "Bảo hiểm xã hội Việt Nam",
}


def parse_decision(text: str) -> tuple[str, str, list[str]]:
    """``"SỐ 64/QD-NHNN"`` → ("64/QĐ-NHNN", "Ngân hàng Nhà nước Việt Nam", notes)."""
    number = one_line(text)
    number = re.sub(r"^(?:số|SỐ|Số)\s*:?\s*", "", number)
    number = re.sub(r"(?<=\d)\.(?=/)", "", number)  # "2267./QĐ-BXD"
    number = re.sub(r"/QD-", "/QĐ-", number)
    number = re.sub(r"\s*/\s*", "/", number)
    match = _SHAPE.fullmatch(number)
    if match is None:
        note = _("số quyết định công bố “%(number)s” không có dạng <số>/QĐ-<cơ quan>") % {"number": number}
        return number, "", [note]
    return number, _ISSUER_BY_CODE.get(match["issuer"], ""), []
