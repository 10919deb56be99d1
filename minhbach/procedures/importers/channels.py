"""The "Cách thức thực hiện" table: channel × time limit × fee × description (DOMAIN.md §4.3).

The crawl flattened the table without separators::

    Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp3 Ngày làm việcMiễn phí(…)Nộp hồ sơ tại…
    Trực tuyến5 Ngày làm việc50,000 Việt Nam Đồng(50.000 đồng/hồ sơ)…

so a row is found where a channel name (Trực tiếp → 1, Trực tuyến → 2, Dịch vụ bưu chính → 3)
is directly followed by a digit or a capital letter; inside descriptions the same words are
followed by a space, a colon or lower case ("Trực tuyến: nộp hồ sơ…"). Within a row the cells
come in a fixed order (time, fee, fee text in brackets, description), so each is cut where the
next one can start:

* time: ``<number> <unit>``, a bare ``<number>``, "Không có thông tin", or free text up to the
  fee cell (``"Không phải trả kết quả cho người nộp thuế"``);
* fee: "Miễn phí", "Không có thông tin" or ``<amount> <currency>``, then an optional bracket.

A bare time number glued to an amount (``"Trực tuyến1100 VNĐ"``: the portal printed time "1"
with no unit, then fee "100 VNĐ") is split only where exactly one split leaves a well-formed
amount; ``"1100"`` could also be "110" + "0", so that fee is flagged rather than guessed.

A channel listed twice (different limits for different cases) keeps both rows.
"""

from __future__ import annotations

import dataclasses
import re

from django.utils.translation import gettext as _

from minhbach.procedures.importers import fees as fee_parser
from minhbach.procedures.importers.common import clean
from minhbach.procedures.importers.timelimits import TimeLimit, parse_time_limit
from minhbach.procedures.models import Channel, TimeUnit
from minhbach.procedures.services import ChannelData, FeeData

CHANNEL_BY_NAME = {
    "Trực tiếp": Channel.IN_PERSON,
    "Trực tuyến": Channel.ONLINE,
    "Dịch vụ bưu chính": Channel.POSTAL,
}
HEADER = re.compile(r"^\s*Hình thức nộp\s*Thời gian\s*Phí, lệ phí\s*Mô tả")
_CHANNEL_NAME = re.compile("|".join(re.escape(name) for name in CHANNEL_BY_NAME))
# Longest unit first; no look-ahead, the next cell starts right after the unit ("việcMiễn phí").
_TIME_WITH_UNIT = re.compile(
    r"\d+(?:[.,]\d+)? ?(?:Ngày làm việc|Giờ làm việc|Ngày|Giờ|Tháng|Tuần|Năm|Phút)", re.IGNORECASE
)
_FEE_START = re.compile(rf"{fee_parser.FREE}|{fee_parser.NOT_STATED}")
_BARE_TIME = re.compile(rf"\d+(?:[.,]\d+)?(?=(?:{_FEE_START.pattern})|$)")
_GLUED = re.compile(rf"(?P<digits>\d[\d,]*(?:\.\d+)?) (?P<currency>{fee_parser.CURRENCY})")
_SPLIT_AMOUNT = re.compile(fee_parser.STRICT_AMOUNT)


@dataclasses.dataclass
class ChannelTable:
    """All rows of one table and the notes that explain what needs review."""

    channels: list[ChannelData]
    notes: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class _Cells:
    time: str
    fee: str = ""
    bracket: str = ""
    description: str = ""
    glued_note: str = ""


def _row_starts(text: str) -> list[re.Match[str]]:
    """Channel names that open a row: directly followed by a digit or a capital letter."""
    starts = []
    for match in _CHANNEL_NAME.finditer(text):
        following = text[match.end() : match.end() + 1]
        if following and (following.isdigit() or following.isupper()):
            starts.append(match)
    return starts


def _split_glued(body: str) -> _Cells | None:
    """``"1100 VNĐ(…)…"``: a bare time and an amount printed without a separator."""
    glued = _GLUED.match(body)
    if glued is None:
        return None
    digits, rest = glued["digits"], body[glued.end() :]
    splits = [
        (digits[:i], digits[i:])
        for i in range(1, len(digits))
        if digits[:i].isdigit() and _SPLIT_AMOUNT.fullmatch(digits[i:])
    ]
    bracket_len = fee_parser.bracket_end(rest)
    cells = _Cells(time="", bracket=rest[:bracket_len], description=rest[bracket_len:])
    if len(splits) == 1:
        cells.time, amount = splits[0]
        cells.fee = f"{amount} {glued['currency']}"
    else:
        cells.time = cells.fee = glued.group(0)
        cells.glued_note = _("ô thời hạn và ô phí dính liền nhau (“%(text)s”), không tách được chắc chắn") % {
            "text": glued.group(0)
        }
    return cells


def _after_time(time: str, rest: str) -> _Cells | None:
    """The cells after a time cell, or None when no fee cell follows it directly."""
    fee = fee_parser.FEE_CELL.match(rest)
    if fee is None:
        return None
    rest = rest[fee.end() :]
    bracket_len = 0 if fee.group(0) == fee_parser.NOT_STATED else fee_parser.bracket_end(rest)
    return _Cells(time=time, fee=fee.group(0), bracket=rest[:bracket_len], description=rest[bracket_len:])


def _cells(body: str) -> _Cells:
    """Cut one row (after its channel name) into its cells."""
    if body.startswith(fee_parser.NOT_STATED):
        cells = _after_time(fee_parser.NOT_STATED, body[len(fee_parser.NOT_STATED) :])
        if cells is not None:
            return cells
    match = _TIME_WITH_UNIT.match(body) or _BARE_TIME.match(body)
    if match and (cells := _after_time(match.group(0), body[match.end() :])) is not None:
        return cells
    if (glued := _split_glued(body)) is not None:
        return glued
    # Free text in the time cell ("Không phải trả kết quả…", "5 ngày kể từ…"): up to the fee cell.
    fee_start = fee_parser.FEE_CELL.search(body)
    if fee_start is None:
        return _Cells(time=body)
    return _after_time(body[: fee_start.start()], body[fee_start.start() :]) or _Cells(time=body)


def parse_channels(text: str) -> ChannelTable:
    """Parse a whole "Cách thức thực hiện" value into one :class:`ChannelData` per row."""
    text = clean(text)
    header = HEADER.match(text)
    body = text[header.end() :] if header else text
    table = ChannelTable(channels=[])
    starts = _row_starts(body)
    lead = body[: starts[0].start()] if starts else body
    if lead.strip():
        note = _("phần đầu bảng cách thức thực hiện không đọc được: “%(text)s”")
        table.notes.append(note % {"text": clean(lead)[:120]})
    for i, start in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(body)
        name = start.group(0)
        cells = _cells(body[start.end() : end])
        if cells.glued_note:
            limit = TimeLimit(
                None, TimeUnit.UNSPECIFIED, cells.time, needs_review=True, note=cells.glued_note
            )
        else:
            limit = parse_time_limit(cells.time, evidence=body)
        channel = ChannelData(
            channel=CHANNEL_BY_NAME[name],
            time_limit_value=limit.value,
            time_limit_unit=limit.unit,
            time_limit_text=limit.text,
            fee_text=clean(cells.fee + cells.bracket),
            description=clean(cells.description),
            needs_review=limit.needs_review,
        )
        if limit.note:
            table.notes.append(f"{name}: {limit.note}")
        if cells.glued_note:  # the note on the time limit covers the fee too
            channel.fees.append(FeeData(amount_vnd=None, basis_text=channel.fee_text, needs_review=True))
        elif cells.fee:
            parsed = fee_parser.parse_fee(cells.fee, cells.bracket)
            if parsed.fee is not None:
                channel.fees.append(parsed.fee)
            table.notes.extend(f"{name}: {note}" for note in parsed.notes)
        elif cells.time or cells.description:
            table.notes.append(_("%(name)s: không tìm thấy ô phí, lệ phí") % {"name": name})
        table.channels.append(channel)
    if not table.channels and not lead.strip():
        table.notes.append(_("không có cách thức thực hiện (kênh nộp, thời hạn, phí)"))
    return table
