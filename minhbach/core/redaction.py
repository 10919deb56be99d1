"""Personal-data redaction of citizens' texts before anything is published (DOMAIN.md §6.6).

Why: feedback (PAKN), answers, rating comments and published evidence are public pages, and citizens
routinely type their citizen ID, phone number, e-mail or home address into them. Publishing those is
processing personal data without consent under Nghị định 13/2023/NĐ-CP on personal data protection, and
from 01/01/2026 under Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15. The original text stays in restricted
storage; only the redacted text is published, after an officer has seen the hits and, where needed,
added spans of his own (names and addresses cannot be caught reliably by pattern).

This module is pure (no database): ``redact`` returns the redacted text and the list of hits with their
positions in the original, ``extend`` adds officer-chosen spans, ``contains_personal_data`` is the
publish-time guard.

How digit runs are read:

* A *run* is digits joined by single separators — a space, ``.``, ``-``, ``) `` — so "0905.123.456",
  "0905 123 456", "+84 905 123 456", "049 190 000 123" and "(0235) 3812 345" are each one run. Every
  group-aligned stretch of a run is classified after removing the separators: 12 digits → CCCD
  (or a landline written with 84), 11 → phone with 84 or a landline, 10 → mobile or BHXH number,
  9 → CMND (flagged for review: many false positives). A contiguous digit string is never cut, so a
  phone inside a longer contiguous number is not a phone, and longer stretches win over shorter ones
  so a CCCD is not half-eaten by the CMND rule.
* Runs glued to letters or to ``/`` ("H49-240304-0001", "1872/QĐ-BTP", "KQ.G15.000033",
  "2.002623.000.00.00.H49", "PAKN.20240207.0001") are codes: only their contiguous digit strings
  are classified (so "SĐT.0905123456" is still caught, "SĐT.0905 123 456" is not).
* Amounts followed by a currency word ("1.500.000.000 đồng", "50.000đ") are money and never redacted.
  Dates with ``/`` ("07/02/2024"), years and short codes ("1.001193") have no ID-shaped stretch.

Detection happens in stages — e-mails, health-insurance cards, digit runs, addresses — each stage
seeing the regions taken by earlier stages masked as ``[…]``, exactly as they look once replaced by
their placeholders; that is what makes ``redact`` idempotent.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Iterable, Sequence

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext, gettext_noop

__all__ = [
    "Hit",
    "Kind",
    "Redaction",
    "contains_personal_data",
    "extend",
    "find_personal_data",
    "redact",
]


class Kind(enum.StrEnum):
    CCCD = "cccd"
    CMND = "cmnd"
    MOBILE = "mobile"
    LANDLINE = "landline"
    EMAIL = "email"
    BHXH = "bhxh"
    BHYT = "bhyt"
    ADDRESS = "address"
    NAME = "name"  # officer-added
    OTHER = "other"  # officer-added, default


#: Vietnamese msgids; translated when a hit is made. Placeholders hold no digit, "@" or house-number
#: keyword followed by a number, so a redacted text redacts to itself.
PLACEHOLDERS = {
    Kind.CCCD: gettext_noop("[số CCCD đã ẩn]"),
    Kind.CMND: gettext_noop("[số CMND đã ẩn]"),
    Kind.MOBILE: gettext_noop("[số điện thoại đã ẩn]"),
    Kind.LANDLINE: gettext_noop("[số điện thoại đã ẩn]"),
    Kind.EMAIL: gettext_noop("[thư điện tử đã ẩn]"),
    Kind.BHXH: gettext_noop("[mã số BHXH đã ẩn]"),
    Kind.BHYT: gettext_noop("[số thẻ BHYT đã ẩn]"),
    Kind.ADDRESS: gettext_noop("[địa chỉ đã ẩn]"),
    Kind.NAME: gettext_noop("[họ tên đã ẩn]"),
    Kind.OTHER: gettext_noop("[thông tin cá nhân đã ẩn]"),
}

#: Kinds that a pattern cannot catch reliably: an officer must look at them before publishing.
REVIEW_KINDS = frozenset({Kind.CMND, Kind.ADDRESS})
#: Kinds that ``contains_personal_data`` reports (addresses are only ever a review hint).
GUARDED_KINDS = frozenset(
    {Kind.CCCD, Kind.CMND, Kind.MOBILE, Kind.LANDLINE, Kind.EMAIL, Kind.BHXH, Kind.BHYT}
)


def placeholder(kind: Kind) -> str:
    """The visible, typed mark replacing a hit ("[số CCCD đã ẩn]"), in the active language."""
    try:
        return gettext(PLACEHOLDERS[kind])
    except ImproperlyConfigured:  # used outside a configured Django (scripts): the Vietnamese msgid
        return PLACEHOLDERS[kind]


@dataclasses.dataclass(frozen=True)
class Hit:
    """One redacted span: ``value`` is ``original[start:end]``."""

    kind: Kind
    value: str
    start: int
    end: int
    placeholder: str
    needs_review: bool = False
    manual: bool = False


@dataclasses.dataclass(frozen=True)
class Redaction:
    """The redacted ``text`` of ``original``, the hits (sorted by position) and how it was asked for."""

    original: str
    text: str
    hits: tuple[Hit, ...]
    keep: tuple[str, ...] = ()
    extra: tuple[ExtraSpan, ...] = ()

    @property
    def needs_review(self) -> bool:
        """True when a hit is only a guess (CMND-shaped numbers, addresses)."""
        return any(hit.needs_review for hit in self.hits)

    @property
    def changed(self) -> bool:
        return bool(self.hits)


#: An officer-added span: ``(start, end)``, ``(start, end, kind)`` in the original text, or a string
#: whose every occurrence (case-insensitive) is redacted, e.g. a name.
ExtraSpan = tuple[int, int] | tuple[int, int, Kind] | str

# --------------------------------------------------------------------------------------------------
# Patterns
# --------------------------------------------------------------------------------------------------

_SP = "[ \u00a0]"
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# Thẻ BHYT: 2 letters (object code), then 13 digits (benefit level, province, 10-digit BHXH number),
# glued ("DN4797915004732", any case) or with separators ("DN 4 79 7915004732", capitals only).
_BHYT = re.compile(
    r"(?<![^\W\d_])(?:[A-Za-z]{2}[0-9]{13}|[A-Z]{2}[ \u00a0.\-]?(?:[0-9][ \u00a0.\-]?){12}[0-9])(?![0-9])"
)
_SEP = rf"(?:\){_SP}?\(?|{_SP}?[.\-]{_SP}?\(?|{_SP}\(?)"
_RUN = re.compile(rf"(?:\(\+?|\+)?[0-9]+(?:{_SEP}[0-9]+)*")
_GROUP = re.compile(r"[0-9]+")
_MONEY_AFTER = re.compile(r"[ \u00a0]*(?:đồng|đ|vnđ|vnd|₫|triệu|tỷ|tỉ|nghìn|ngàn|usd)(?![^\W\d_])", re.I)
# After a run: letters, "/" + letter, or a short code segment ("…00.H49", "…-QĐ1") make it a code.
_CODE_AFTER = re.compile(r"[^\W\d_]|/\w|[./\-_][A-Za-zĐđ]{1,4}[0-9]")
_MOBILE = re.compile(r"(?:84|0)[35789][0-9]{8}")
_LANDLINE = re.compile(r"(?:84|0)2[0-9]{9}")

_NUM = r"[0-9]+[A-Za-z]?(?:/[0-9]+[A-Za-z]?)*"
# Street-level addresses: the number, then the street name if one follows.
_STREET = re.compile(
    rf"\b(?:số{_SP}+nhà|nhà{_SP}+số|kiệt|hẻm|ngõ|ngách){_SP}*{_NUM}"
    rf"|\bsố{_SP}+{_NUM}(?={_SP}+(?:đường|phố|ngõ|ngách|hẻm|kiệt)\b)",
    re.I,
)
_STREET_K = re.compile(r"(?<![\w/.\-])K[0-9]+(?:/[0-9]+[A-Za-z]?)+")
# "123/4 Nguyễn Trãi": number/number followed by a capitalised word (checked in code).
_SLASH_NUMBER = re.compile(rf"(?<![\w/.\-])[0-9]+[A-Za-z]?/[0-9]+[A-Za-z]?(?:/[0-9]+[A-Za-z]?)?(?={_SP}+\w)")
_DATE_WORDS = re.compile(r"(?:ngày|hôm|từ|đến|tháng|hạn|lúc)\W*$", re.I)
# Village or residential-group numbers: no street name follows.
_AREA = re.compile(
    rf"\b(?:tổ{_SP}+dân{_SP}+phố|khu{_SP}+phố|thôn|tổ|khối|xóm|ấp|khóm){_SP}+{_NUM}(?!{_SP}*cửa)(?![0-9])",
    re.I,
)
_STREET_WORD = re.compile(rf"{_SP}+(?:đường|phố)(?={_SP})", re.I)
_NAME_WORD = re.compile(rf"{_SP}+([^\W\d_]+)")


@dataclasses.dataclass(frozen=True)
class _Candidate:
    kind: Kind
    start: int
    end: int
    keep_key: str = ""


# --------------------------------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------------------------------


def _mask(chars: list[str], start: int, end: int) -> None:
    """Make ``[start, end)`` look like a placeholder to the later stages: ``[`` … ``]``, no word."""
    chars[start] = "["
    for i in range(start + 1, end - 1):
        chars[i] = "\x00"
    if end - start > 1:
        chars[end - 1] = "]"


def _canonical_digits(value: str) -> str:
    digits = re.sub(r"[^0-9]", "", value)
    if digits.startswith("84") and len(digits) in (11, 12):
        return "0" + digits[2:]
    return digits


def _keep_keys(keep: Iterable[str]) -> set[str]:
    keys = set()
    for item in keep:
        item = item.strip()
        if not item:
            continue
        if "@" in item:
            keys.add(item.lower())
        elif digits := _canonical_digits(item):
            keys.add(digits)
    return keys


def _classify(digits: str) -> Kind | None:
    size = len(digits)
    if size == 9:
        return Kind.CMND
    if size == 10:
        return Kind.MOBILE if _MOBILE.fullmatch(digits) else Kind.BHXH
    if size == 11:
        if _MOBILE.fullmatch(digits):
            return Kind.MOBILE
        if _LANDLINE.fullmatch(digits):
            return Kind.LANDLINE
        return None
    if size == 12:
        # Province codes of a CCCD are 001–096, so "842…" is a landline written with the country code.
        return Kind.LANDLINE if _LANDLINE.fullmatch(digits) else Kind.CCCD
    return None


_SPECIFICITY = {Kind.CCCD: 0, Kind.LANDLINE: 1, Kind.MOBILE: 2, Kind.BHXH: 3, Kind.CMND: 4}


def _is_code(masked: str, start: int, end: int) -> bool:
    """Is the run at ``[start, end)`` part of a code (dossier, procedure, legal reference)?"""
    before = masked[start - 1] if start else ""
    if before and (before.isalpha() or before == "_"):
        return True
    if before == "/" and start >= 2 and masked[start - 2].isalnum():
        return True
    if before in ".-_" and start >= 2 and masked[start - 2].isalpha():  # "PAKN.20240207.0001"
        return True
    return bool(_CODE_AFTER.match(masked, end))


def _money_groups(masked: str, run_end: int, groups: list[re.Match[str]]) -> int:
    """How many trailing groups of a run are an amount of money (followed by a currency word)."""
    if not _MONEY_AFTER.match(masked, run_end):
        return 0
    count = 0
    for group in reversed(groups):
        if len(group.group()) == 3:
            count += 1
            continue
        if len(group.group()) <= 3 or count == 0:  # the head of "1.500.000", or "1500000 đồng"
            count += 1
        break
    return count


def _digit_candidates(masked: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for run in _RUN.finditer(masked):
        groups = list(_GROUP.finditer(masked, run.start(), run.end()))
        groups = groups[: len(groups) - _money_groups(masked, run.end(), groups)]
        if not groups:
            continue
        code = _is_code(masked, run.start(), run.end())
        options: list[tuple[int, int, Kind]] = []
        for i in range(len(groups)):
            digits = ""
            for j in range(i, len(groups) if not code else i + 1):
                digits += groups[j].group()
                if len(digits) > 12:
                    break
                kind = _classify(digits)
                if kind is not None:
                    options.append((i, j + 1, kind))
        # Longest stretch first, then the most specific kind, then leftmost: deterministic.
        options.sort(
            key=lambda o: (
                -sum(len(g.group()) for g in groups[o[0] : o[1]]),
                _SPECIFICITY[o[2]],
                o[0],
            )
        )
        taken: set[int] = set()
        for i, j, kind in options:
            if taken.intersection(range(i, j)):
                continue
            taken.update(range(i, j))
            start, end = groups[i].start(), groups[j - 1].end()
            if i == 0:
                start = run.start()
            elif masked[start - 1] == "(":
                start -= 1
            span = masked[start:end]
            if span.count("(") > span.count(")") and masked[end : end + 1] == ")":
                end += 1
            digits = "".join(g.group() for g in groups[i:j])
            found.append(_Candidate(kind, start, end, _canonical_digits(digits)))
    return found


def _extend_street_name(masked: str, end: int) -> int:
    """Include "đường Lê Lợi" / "Nguyễn Trãi" after a house number: capitalised words, at most five."""
    if match := _STREET_WORD.match(masked, end):
        end = match.end()
    for _ in range(5):
        match = _NAME_WORD.match(masked, end)
        if not match or not match.group(1)[0].isupper():
            break
        end = match.end()
    return end


def _address_candidates(masked: str) -> list[_Candidate]:
    found = []
    for match in _STREET.finditer(masked):
        found.append(_Candidate(Kind.ADDRESS, match.start(), _extend_street_name(masked, match.end())))
    for match in _STREET_K.finditer(masked):
        found.append(_Candidate(Kind.ADDRESS, match.start(), _extend_street_name(masked, match.end())))
    for match in _SLASH_NUMBER.finditer(masked):
        parts = match.group().split("/")
        if any(len(part) == 4 and part[:2] in ("19", "20") for part in parts[1:]):
            continue  # "01/2018", "07/02/2024": legal references and dates
        if _DATE_WORDS.search(masked, max(0, match.start() - 12), match.start()):
            continue  # "ngày 12/4 Ông An đến…"
        end = _extend_street_name(masked, match.end())
        if end > match.end():
            found.append(_Candidate(Kind.ADDRESS, match.start(), end))
    for match in _AREA.finditer(masked):
        found.append(_Candidate(Kind.ADDRESS, match.start(), match.end()))
    return found


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _detect(text: str, keep: Iterable[str]) -> list[_Candidate]:
    keep = tuple(keep)
    keys = _keep_keys(keep)
    chars = list(text)
    lowered = text.lower()
    for item in keep:
        needle = item.strip().lower()
        if not needle:
            continue
        for match in re.finditer(re.escape(needle), lowered):
            _mask(chars, match.start(), match.end())
    hits: list[_Candidate] = []

    def stage(candidates: list[_Candidate]) -> int:
        taken: list[tuple[int, int]] = []
        ordered = sorted(candidates, key=lambda c: (-(c.end - c.start), c.start))
        for cand in ordered:
            span = (cand.start, cand.end)
            if any(_overlaps(span, other) for other in taken):
                continue
            taken.append(span)
            if not (cand.keep_key and cand.keep_key in keys):
                hits.append(cand)
        for start, end in taken:  # kept values are masked too: nothing inside them is redacted
            _mask(chars, start, end)
        return len(taken)

    # Repeat until nothing new is found: a hit changes its neighbours' context (a run after a letter is
    # a code; after a placeholder it is not), and the output must look the same to a second pass.
    while True:
        masked = "".join(chars)
        found = stage(
            [_Candidate(Kind.EMAIL, m.start(), m.end(), m.group().lower()) for m in _EMAIL.finditer(masked)]
        )
        masked = "".join(chars)
        found += stage([_Candidate(Kind.BHYT, m.start(), m.end()) for m in _BHYT.finditer(masked)])
        masked = "".join(chars)
        found += stage(_digit_candidates(masked))
        masked = "".join(chars)
        found += stage(_address_candidates(masked))
        if not found:
            return sorted(hits, key=lambda c: c.start)


def _extra_spans(text: str, extra: Sequence[ExtraSpan]) -> list[tuple[int, int, Kind]]:
    spans = []
    lowered = text.lower()
    for item in extra:
        if isinstance(item, str):
            needle = item.strip().lower()
            if needle:
                spans += [(m.start(), m.end(), Kind.NAME) for m in re.finditer(re.escape(needle), lowered)]
            continue
        start, end, *rest = item
        kind = Kind(rest[0]) if rest else Kind.OTHER
        if not 0 <= start < end <= len(text):
            raise ValueError(f"span {start}:{end} is outside the text (0:{len(text)})")
        spans.append((start, end, kind))
    return spans


def _hit(text: str, kind: Kind, start: int, end: int, *, manual: bool = False) -> Hit:
    return Hit(
        kind=kind,
        value=text[start:end],
        start=start,
        end=end,
        placeholder=placeholder(kind),
        needs_review=not manual and kind in REVIEW_KINDS,
        manual=manual,
    )


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------


def find_personal_data(text: str, *, keep: Iterable[str] = ()) -> list[Hit]:
    """The automatic hits in ``text`` (sorted by position), without replacing anything."""
    return [_hit(text, c.kind, c.start, c.end) for c in _detect(text or "", keep)]


def redact(text: str, *, keep: Iterable[str] = (), extra: Sequence[ExtraSpan] = ()) -> Redaction:
    """Replace personal data in ``text`` by visible typed placeholders.

    ``keep``: strings that are never redacted, such as the unit's spokesperson phone or e-mail and
    agency hotlines (compared literally, and phones by their digits, so "(0235) 3812 345" keeps
    "0235.3812.345"). ``extra``: spans the officer adds before publishing (see ``ExtraSpan``); a span
    overlapping an automatic hit absorbs it, so the officer can only widen a redaction.
    """
    text = text or ""
    keep = tuple(keep)
    extra = tuple(extra)
    spans: list[tuple[int, int, Kind, bool]] = [(c.start, c.end, c.kind, False) for c in _detect(text, keep)]
    for start, end, kind in _extra_spans(text, extra):
        merged_start, merged_end = start, end
        rest = []
        for span in sorted(spans):
            if _overlaps((merged_start, merged_end), span[:2]):
                merged_start, merged_end = min(merged_start, span[0]), max(merged_end, span[1])
            else:
                rest.append(span)
        spans = [*rest, (merged_start, merged_end, kind, True)]
    hits = tuple(_hit(text, kind, start, end, manual=manual) for start, end, kind, manual in sorted(spans))
    pieces, cursor = [], 0
    for hit in hits:
        pieces += [text[cursor : hit.start], hit.placeholder]
        cursor = hit.end
    pieces.append(text[cursor:])
    return Redaction(original=text, text="".join(pieces), hits=hits, keep=keep, extra=extra)


def extend(redaction: Redaction, extra_spans: Sequence[ExtraSpan]) -> Redaction:
    """The officer's additions: ``redaction`` again with ``extra_spans`` (positions in the original)."""
    return redact(redaction.original, keep=redaction.keep, extra=(*redaction.extra, *extra_spans))


def contains_personal_data(text: str, *, keep: Iterable[str] = ()) -> bool:
    """Publish-time guard: does an ID-shaped number (9, 10, 12 digits), a phone, a BHYT card number or
    an e-mail survive in ``text``? Addresses are not reported: they are only ever a review hint."""
    return any(c.kind in GUARDED_KINDS for c in _detect(text or "", keep))
