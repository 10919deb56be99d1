"""Time limits (*thời hạn giải quyết*) of a channel, as the national database prints them.

The portal stores a number and a unit (its ``DonViTinh``: Giờ, Ngày, Ngày làm việc, Tháng) and
prints them as ``"3 Ngày làm việc"``; a deadline is then computed with the counting rules of
DOMAIN.md §3.3. What it prints is not always that clean, so every cell falls in one of four
outcomes, and the source text is always kept:

* **parsed**: a number and a unit, e.g. ``"05 ngày làm việc"`` → 5 ``working_day``,
  ``"0.5 Ngày làm việc"`` → 0.5, ``"Trong ngày"`` → ``same_day`` (no number);
* **unspecified**: the record states no time limit ("Không có thông tin", "Không quy định",
  "Không phải trả kết quả…", empty). That is a fact about the procedure, not an error, so it is
  not flagged;
* **resolved from evidence**: a bare number without a unit (``"7"``) is read only when the rest
  of the channel table says ``"07 ngày làm việc"`` (one unit, same number). The steps text is
  not used: it lists the durations of single steps, not the time limit of the procedure;
* **needs review**: anything else (a bare number with no evidence, several different limits in
  one cell, an unknown unit, a zero). The value stays empty, the text is kept and a note says
  why; no deadline is computed until staff confirm it (DOMAIN.md §4.3).

A value that parses but cannot be true (more than :data:`MAX_VALUE` of its unit) is refused:
the whole record fails (:class:`~.common.AbsurdValue`), because writing it would put an absurd
deadline on every dossier of that procedure.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from minhbach.procedures.importers.common import AbsurdValue, clean
from minhbach.procedures.models import TimeUnit

# Unit words, longest first so that "ngày làm việc" is not read as "ngày".
_UNIT_WORDS = (
    ("ngày làm việc", TimeUnit.WORKING_DAY),
    ("giờ làm việc", TimeUnit.WORKING_HOUR),
    ("ngày", TimeUnit.DAY),
    ("giờ", TimeUnit.HOUR),
    ("tháng", TimeUnit.MONTH),
)
UNIT_BY_WORD = dict(_UNIT_WORDS)
_UNIT_RE = "|".join(re.escape(word) for word, _unit in _UNIT_WORDS)
# Words that look like a unit but are not one the deadline engine knows.
_OTHER_UNITS = r"tuần|năm|phút|buổi"

# Bounds beyond which a value is absurd rather than unusual. The longest limits in the national
# data are 300 days and 250 working days; ten years of each is far beyond any procedure.
MAX_VALUE = {
    TimeUnit.WORKING_DAY: Decimal(2600),
    TimeUnit.DAY: Decimal(3660),
    TimeUnit.MONTH: Decimal(120),
    TimeUnit.HOUR: Decimal(8760),
    TimeUnit.WORKING_HOUR: Decimal(8760),
}

_NUMBER = r"\d+(?:[.,]\d+)?"
# "<number> <unit>", anywhere in a text; not a date ("ngày 15 tháng 12" is no 15-month limit).
# Longest unit first and no look-ahead: in the flattened table the next cell follows the unit
# without a space ("5 Ngày làm việcMiễn phí").
_AMOUNT_OF_TIME = re.compile(
    rf"(?<![\d.,/])(?<!ngày )(?<!tháng )(?P<value>{_NUMBER})\s*(?P<unit>{_UNIT_RE}|{_OTHER_UNITS})",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(rf"^(?P<value>{_NUMBER})$")
_NO_LIMIT = re.compile(
    r"^(?:không|không có|không có thông tin|(?:không quy định|không xác định|không áp dụng|"
    r"không phải trả kết quả|theo quy định)\b.*)$",
    re.IGNORECASE | re.DOTALL,
)
_SAME_DAY = re.compile(
    r"\b(?:ngay )?trong (?:ngày|buổi)\b(?! làm việc tiếp theo)|\btrả (?:kết quả )?ngay\b|"
    r"\bgiải quyết ngay\b|\bngay khi nhận\b",
    re.IGNORECASE,
)


@dataclasses.dataclass(frozen=True)
class TimeLimit:
    """The outcome for one cell; ``note`` explains a ``needs_review`` (Vietnamese)."""

    value: Decimal | None
    unit: str
    text: str
    needs_review: bool = False
    note: str = ""


def _decimal(raw: str) -> Decimal | None:
    """``"05"`` → 5, ``"0.5"``/``"0,5"`` → 0.5. ``"1.500"`` is refused: thousands or a fraction?"""
    if re.fullmatch(r"\d+[.,]\d{3}", raw):
        return None
    try:
        return Decimal(raw.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the regex only lets digits through
        return None


def _check_bounds(value: Decimal, unit: str, text: str) -> None:
    limit = MAX_VALUE.get(unit)
    if limit is not None and value > limit:
        raise AbsurdValue(
            _("Thời hạn “%(text)s” vượt quá %(limit)s %(unit)s: không thể là thời hạn giải quyết.")
            % {"text": text, "limit": limit, "unit": TimeUnit(unit).label}
        )


def amounts_of_time(text: str) -> set[tuple[Decimal, str]]:
    """Every distinct (value, unit) that ``text`` states, e.g. {(5, "working_day")}.

    Units the deadline engine does not know ("tuần", "năm") come back as their word.
    """
    found: set[tuple[Decimal, str]] = set()
    for match in _AMOUNT_OF_TIME.finditer(text):
        value = _decimal(match["value"])
        if value is None:
            continue
        word = match["unit"].lower()
        found.add((value, UNIT_BY_WORD.get(word, word)))
    return found


def _evidence_unit(value: Decimal, evidence: str) -> str | None:
    """The single known unit that ``evidence`` pairs with ``value``, or None when none or several."""
    units = {unit for v, unit in amounts_of_time(evidence) if v == value}
    if len(units) == 1:
        unit = units.pop()
        return unit if unit in MAX_VALUE else None
    return None


def _review(text: str, note: str) -> TimeLimit:
    return TimeLimit(None, TimeUnit.UNSPECIFIED, text, needs_review=True, note=note)


def parse_time_limit(cell: str, *, evidence: str = "") -> TimeLimit:
    """Read one "Thời gian" cell; ``evidence`` is the rest of the channel table (for bare numbers)."""
    text = clean(cell)
    if not text:
        return TimeLimit(None, TimeUnit.UNSPECIFIED, text)
    short = text[:120]

    bare = _BARE_NUMBER.match(text)
    if bare:
        value = _decimal(bare["value"])
        unit = _evidence_unit(value, evidence) if value else None
        if value is None or unit is None:
            return _review(
                text,
                _("thời hạn “%(text)s” không có đơn vị và phần mô tả không nêu đơn vị cho số này")
                % {"text": text},
            )
        _check_bounds(value, unit, text)
        return TimeLimit(value, unit, text)

    stated = amounts_of_time(text)
    if len(stated) > 1:
        return _review(text, _("ô thời hạn “%(text)s” nêu nhiều thời hạn khác nhau") % {"text": short})
    if stated:
        value, unit = stated.pop()
        if unit not in MAX_VALUE:
            return _review(
                text,
                _("thời hạn “%(text)s” tính bằng “%(unit)s”, không phải giờ, ngày, ngày làm việc hay tháng")
                % {"text": short, "unit": unit},
            )
        if value == 0:
            return _review(text, _("thời hạn “%(text)s” bằng 0") % {"text": short})
        _check_bounds(value, unit, text)
        return TimeLimit(value, unit, text)
    if _NO_LIMIT.match(text):
        return TimeLimit(None, TimeUnit.UNSPECIFIED, text)
    if _SAME_DAY.search(text):
        return TimeLimit(None, TimeUnit.SAME_DAY, text)
    return _review(text, _("không đọc được thời hạn “%(text)s”") % {"text": short})
