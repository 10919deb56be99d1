"""Fees (*phí, lệ phí*) of a channel: the "Phí, lệ phí" cell and its explanation in brackets.

The portal prints a fee as ``"50,000 Việt Nam Đồng"`` or ``"Miễn phí"``, followed by the fee's
own text in brackets: ``"50,000 Việt Nam Đồng(50.000 đồng/hồ sơ (Thông tư số 61/2023/TT-BTC))"``.
One :class:`~minhbach.procedures.services.FeeData` is made per cell, with the cell and its
bracket kept verbatim in ``basis_text``. The amount is trusted only when nothing contradicts
it, because the source contradicts itself often enough to matter on a counter poster:

* ``Miễn phí`` → 0, unless the bracket states a non-zero amount in đồng
  ("Miễn phí(20.000.000 đồng/lần)"): then it is flagged;
* an amount in đồng is kept when the bracket states no amount or states the same one. It is
  flagged when the bracket states other amounts only (``"1,500,000 …(150.000 đồng/1 giấy)"``)
  or when it is below 1,000 đồng (``"135 VNĐ(… 135.000 đồng/lần)"``: entered in thousands);
* an amount in another currency (USD) is flagged: the model holds đồng only, and converting
  at some rate would be a guess;
* "Không có thông tin" means the fee is not stated: no fee line, and no flag.

A flagged fee keeps ``amount_vnd`` empty so that no wrong number reaches a poster; the note
names the candidate amounts for the reviewer. A negative amount or one above
:data:`MAX_AMOUNT_VND` is absurd and fails the whole record.
"""

from __future__ import annotations

import dataclasses
import re

from django.utils.translation import gettext as _

from minhbach.procedures.importers.common import AbsurdValue, clean
from minhbach.procedures.services import FeeData

# The highest fee in the national data is 150 million đồng; ten billion is not a fee.
MAX_AMOUNT_VND = 10_000_000_000
# Below this an amount in đồng was almost certainly typed in thousands.
MIN_PLAUSIBLE_VND = 1_000

FREE = "Miễn phí"
NOT_STATED = "Không có thông tin"
VND_WORDS = ("Việt Nam Đồng", "VNĐ", "VND", "Đồng", "đồng")
CURRENCY = r"Việt Nam Đồng|VNĐ|VND|Đồng|đồng|USD|EUR"
# An amount as the portal prints it: thousands grouped with commas ("1,500,000"), or plain.
AMOUNT = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# A strictly grouped amount, to split "1100 VNĐ" (time 1, fee 100) after a bare time cell.
STRICT_AMOUNT = r"(?:0|[1-9]\d{0,2}(?:,\d{3})*)"
FEE_CELL = re.compile(rf"{FREE}|{NOT_STATED}|(?P<amount>{AMOUNT}) (?P<currency>{CURRENCY})")
# Amounts in đồng inside the bracket text: "50.000 đồng", "20.000đ/tờ khai", "8.000 Đồng".
_BRACKET_AMOUNT = re.compile(
    r"(?<![\d.,/])(?P<amount>\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:đồng|Đồng|đ|Đ|VNĐ|vnđ|VND)(?![a-zà-ỹđ])"
)


@dataclasses.dataclass
class FeeCell:
    """A parsed "Phí, lệ phí" cell: the fee line (None when not stated) and review notes."""

    fee: FeeData | None
    notes: list[str] = dataclasses.field(default_factory=list)


def bracket_end(text: str) -> int:
    """Length of the bracketed text at the start of ``text`` (0 if none; all of it if unclosed)."""
    if not text.startswith("("):
        return 0
    depth = 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def _fee_name(bracket: str) -> str:
    """ "Lệ phí" or "Phí" when the bracket says which; otherwise left empty rather than guessed."""
    head = bracket.lstrip("(-+* ").casefold()
    if head.startswith("lệ phí"):
        return "Lệ phí"
    if head.startswith("phí"):
        return "Phí"
    return ""


def amounts_in_text(text: str) -> set[int]:
    """Amounts in đồng written in free text ("50.000 đồng" → 50000)."""
    return {int(re.sub(r"[.,]", "", m["amount"])) for m in _BRACKET_AMOUNT.finditer(text)}


def _vnd(amount: str, text: str) -> int:
    """Integer đồng from the cell's amount; refuses negative or absurd ones."""
    digits = amount.replace(",", "")
    value = float(digits) if "." in digits else int(digits)
    if value < 0 or value > MAX_AMOUNT_VND:
        raise AbsurdValue(
            _("Mức phí “%(text)s” không hợp lệ (âm hoặc lớn hơn %(max)s đồng).")
            % {"text": text, "max": f"{MAX_AMOUNT_VND:,}".replace(",", ".")}
        )
    return round(value)


def _dong(value: int) -> str:
    return f"{value:,}".replace(",", ".") + " đồng"


def _flagged(name: str, basis: str, note: str) -> FeeCell:
    """A fee line that keeps its text but no amount, and the note that says why."""
    return FeeCell(FeeData(name=name, amount_vnd=None, basis_text=basis, needs_review=True), [note])


def parse_fee(cell: str, bracket: str = "") -> FeeCell:
    """Read a fee cell (``"50,000 Việt Nam Đồng"``, ``"Miễn phí"``…) and its bracket text."""
    cell, bracket = clean(cell), clean(bracket)
    basis = cell + bracket
    if not cell or cell == NOT_STATED:
        return FeeCell(None)
    inner = bracket[1:-1] if bracket.endswith(")") else bracket[1:]
    stated = amounts_in_text(inner)
    name = _fee_name(bracket)

    if cell == FREE:
        others = sorted(stated - {0})
        if others:
            note = _("ô phí ghi “Miễn phí” nhưng phần diễn giải nêu mức thu %(amounts)s")
            return _flagged(name, basis, note % {"amounts": ", ".join(_dong(v) for v in others)})
        return FeeCell(FeeData(name=name, amount_vnd=0, basis_text=basis))

    match = FEE_CELL.fullmatch(cell)
    if match is None or match["amount"] is None:
        return _flagged(name, basis, _("không đọc được mức phí “%(text)s”") % {"text": cell})
    if match["currency"] not in VND_WORDS:
        if match["amount"].startswith("-"):
            _vnd(match["amount"], cell)  # raises: a negative amount is absurd in any currency
        return _flagged(
            name, basis, _("mức phí “%(text)s” không tính bằng đồng, chưa quy đổi") % {"text": cell}
        )
    amount = _vnd(match["amount"], cell)
    if amount and amount < MIN_PLAUSIBLE_VND:
        note = _("mức phí “%(text)s” dưới 1.000 đồng, có thể đã ghi theo nghìn đồng")
        return _flagged(name, basis, note % {"text": cell})
    if stated and amount not in stated:
        note = _("ô phí ghi %(cell)s nhưng phần diễn giải nêu %(amounts)s")
        amounts = ", ".join(_dong(v) for v in sorted(stated))
        return _flagged(name, basis, note % {"cell": _dong(amount), "amounts": amounts})
    return FeeCell(FeeData(name=name, amount_vnd=amount, basis_text=basis))
