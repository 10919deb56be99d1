"""Seed national ``CalendarDay`` rows from the ``holidays`` package (DOMAIN.md §3.6).

The package knows the statutory holidays (BLLĐ 2019 Điều 112), the substitute days off
(Điều 111 khoản 3, labelled "(nghỉ bù)"), the civil servants' Tết block and the Prime
Minister's swaps ("Ngày nghỉ (thay cho ngày dd/mm/yyyy)"). It does **not** return the make-up
Saturdays as working days: they are derived here from the second date of each swap tuple in
``VietnamStaticHolidays.special_public_holidays``.

The table, not the library, is authoritative: seeded rows are ``source="seed"`` and
``confirmed=False`` until an official checks them against the year's notice; a row entered or
confirmed by an official is never overwritten, and a national day an official removed is not
seeded again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable

import holidays
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext
from holidays.countries.vietnam import VietnamStaticHolidays

from minhbach.core import ledger
from minhbach.core.models import CalendarDay, LedgerEntry
from minhbach.core.workdays.signals import calendar_changed

Kind = CalendarDay.Kind

FIRST_YEAR = 1995  # the package applies substitute days ("observed") from 1995
LAST_YEAR = 2099  # the lunar calendar tables of the package end there

# The swap notices known to us, by the year of the day off; others get the generic reference.
SWAP_NOTICES = {2024: "Công văn 2450/VPCP-KGVX"}
GENERIC_SWAP_NOTICE = "Thông báo hoán đổi ngày làm việc của Thủ tướng Chính phủ"
# Holidays the package adds outside the Labour Code; to be checked by an official.
OTHER_REFS = {"Ngày Văn hóa Việt Nam": "Nghị quyết 80-NQ/TW (chưa đối chiếu văn bản quy định ngày nghỉ)"}


@dataclasses.dataclass(frozen=True)
class SeedRow:
    date: dt.date
    kind: str
    name: str
    legal_ref: str


@dataclasses.dataclass(frozen=True)
class SeedReport:
    year: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # rows entered or confirmed by an official, left as they are
    removed_by_official: int = 0  # national days an official removed, not seeded again

    @property
    def changed(self) -> int:
        return self.created + self.updated


def _holiday_ref(year: int) -> str:
    if year >= 2021:
        return "BLLĐ 2019 Điều 112"
    return "BLLĐ 2012 Điều 115" if year >= 2013 else "BLLĐ 1994 Điều 73"


def _substitute_ref(year: int) -> str:
    if year >= 2021:
        return "BLLĐ 2019 Điều 111 khoản 3"
    return _holiday_ref(year)


def swap_pairs() -> list[tuple[dt.date, dt.date]]:
    """``(day off, make-up working day)`` pairs of every swap the package knows.

    Each entry of ``special_public_holidays`` is ``(off month, off day, make-up month, make-up
    day[, make-up year])`` keyed by the year of the day off; three-item entries are plain
    special holidays without a make-up day.
    """
    pairs = []
    for year, entries in VietnamStaticHolidays.special_public_holidays.items():
        for entry in entries if entries and isinstance(entries[0], tuple) else (entries,):
            if len(entry) < 4:
                continue
            off_month, off_day, makeup_month, makeup_day, *rest = entry
            makeup_year = rest[0] if rest else year
            pairs.append((dt.date(year, off_month, off_day), dt.date(makeup_year, makeup_month, makeup_day)))
    return sorted(pairs)


def holiday_rows(year: int) -> list[SeedRow]:
    """The national calendar rows of ``year`` as the package gives them, plus make-up days.

    Pure: no database. Names are stored in Vietnamese, the language of the official notices.
    """
    days = holidays.VN(years=year, language="vi", observed=True)
    pairs = swap_pairs()
    swap_offs = {off: makeup for off, makeup in pairs}
    rows = []
    for day in sorted(days):
        names = days.get_list(day)
        name = "; ".join(names)
        if day in swap_offs:
            kind, ref = Kind.SWAP_DAY_OFF, SWAP_NOTICES.get(day.year, GENERIC_SWAP_NOTICE)
        elif all("(nghỉ bù" in part for part in names):
            kind, ref = Kind.SUBSTITUTE_DAY_OFF, _substitute_ref(year)
        else:
            kind, ref = Kind.PUBLIC_HOLIDAY, OTHER_REFS.get(name, _holiday_ref(year))
        rows.append(SeedRow(day, kind, name, ref))
    with translation.override("vi"):
        for off, makeup in pairs:
            if makeup.year == year:
                name = gettext("Ngày làm bù (cho ngày nghỉ %(day)s)") % {"day": f"{off:%d/%m/%Y}"}
                ref = SWAP_NOTICES.get(off.year, GENERIC_SWAP_NOTICE)
                rows.append(SeedRow(makeup, Kind.MAKEUP_WORKING_DAY, name, ref))
    return sorted(rows, key=lambda row: row.date)


def _removed_national_dates(year: int) -> set[dt.date]:
    """National days an official removed (``calendar.day_removed`` in the ledger): not reseeded."""
    removed = set()
    for payload in LedgerEntry.objects.filter(action="calendar.day_removed").values_list(
        "payload", flat=True
    ):
        old = json.loads(payload).get("old") or {}
        if old.get("scope") == CalendarDay.Scope.NATIONAL and str(old.get("date", "")).startswith(f"{year}-"):
            removed.add(dt.date.fromisoformat(old["date"]))
    return removed


def seed_year(year: int, *, actor=None) -> SeedReport:
    """Create or refresh the seeded national rows of ``year``; one ledger entry if anything changed.

    Idempotent. A row with ``source="manual"`` or ``confirmed=True`` is an official's word and
    is kept as it is. Listeners of ``calendar_changed`` hear about the dates created or updated,
    since a deadline computed before the seeding may now be wrong (DOMAIN.md §3.7).
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"year {year} outside {FIRST_YEAR}..{LAST_YEAR}")
    wanted = holiday_rows(year)
    counts = dict.fromkeys(("created", "updated", "unchanged", "kept", "removed_by_official"), 0)
    changed_dates: list[dt.date] = []
    with transaction.atomic():
        existing = {
            row.date: row
            for row in CalendarDay.objects.select_for_update().filter(
                scope=CalendarDay.Scope.NATIONAL, date__year=year
            )
        }
        removed = _removed_national_dates(year)
        for item in wanted:
            row = existing.get(item.date)
            if row is None and item.date in removed:
                counts["removed_by_official"] += 1
            elif row is None:
                CalendarDay.objects.create(
                    date=item.date,
                    kind=item.kind,
                    name=item.name,
                    legal_ref=item.legal_ref,
                    scope=CalendarDay.Scope.NATIONAL,
                    source=CalendarDay.Source.SEED,
                    confirmed=False,
                )
                counts["created"] += 1
                changed_dates.append(item.date)
            elif row.source == CalendarDay.Source.MANUAL or row.confirmed:
                counts["kept"] += 1
            elif (row.kind, row.name, row.legal_ref) == (item.kind, item.name, item.legal_ref):
                counts["unchanged"] += 1
            else:
                row.kind, row.name, row.legal_ref = item.kind, item.name, item.legal_ref
                row.save(update_fields=["kind", "name", "legal_ref", "updated_at"])
                counts["updated"] += 1
                changed_dates.append(item.date)
        report = SeedReport(year=year, **counts)
        if report.changed:
            ledger.record(
                actor=actor,
                action="calendar.seeded",
                object_type="core.calendar",
                object_id=str(year),
                payload={
                    "year": year,
                    "source": f"holidays {holidays.__version__}",
                    **counts,
                    "dates": changed_dates,
                },
            )
            transaction.on_commit(
                lambda: calendar_changed.send(
                    sender=CalendarDay, dates=changed_dates, scope=CalendarDay.Scope.NATIONAL, unit=None
                )
            )
    return report


def seed_years(years: Iterable[int], *, actor=None) -> list[SeedReport]:
    return [seed_year(year, actor=actor) for year in sorted(set(years))]


def missing_years(years: Iterable[int]) -> list[int]:
    """Years among ``years`` without a single national calendar row (one query)."""
    wanted = sorted(set(years))
    if not wanted:
        return []
    present = {
        day.year
        for day in CalendarDay.objects.filter(
            Q(scope=CalendarDay.Scope.NATIONAL),
            date__gte=dt.date(wanted[0], 1, 1),
            date__lte=dt.date(wanted[-1], 12, 31),
        ).dates("date", "year")
    }
    return [year for year in wanted if year not in present]
