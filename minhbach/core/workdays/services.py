"""Officials' corrections of the working calendar (DOMAIN.md §3.6–3.7).

Each write is atomic, leaves one ledger entry with the old and the new values and the legal
reference, and announces the changed date with ``calendar_changed`` once the transaction has
committed, so that open dossiers and feedback can recompute their due dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minhbach.core import ledger
from minhbach.core.models import CalendarDay
from minhbach.core.workdays.calendar import policy_in_force
from minhbach.core.workdays.engine import format_day
from minhbach.core.workdays.signals import calendar_changed
from minhbach.units.models import AdministrativeUnit

Scope = CalendarDay.Scope


def _snapshot(row: CalendarDay | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "date": row.date,
        "kind": row.kind,
        "name": row.name,
        "legal_ref": row.legal_ref,
        "scope": row.scope,
        "unit": row.unit.code if row.unit_id else None,
        "source": row.source,
        "confirmed": row.confirmed,
    }


def _validate(
    *, date: dt.date, kind: str, name: str, legal_ref: str, scope: str, unit: AdministrativeUnit | None
) -> None:
    errors: dict[str, str] = {}
    if not (legal_ref or "").strip():
        errors["legal_ref"] = _("Cần ghi căn cứ pháp lý (số, ký hiệu văn bản) của thay đổi lịch làm việc.")
    if not (name or "").strip():
        errors["name"] = _("Cần ghi tên ngày.")
    if kind not in CalendarDay.Kind.values:
        errors["kind"] = _("Loại ngày không hợp lệ.")
    if scope not in Scope.values:
        errors["scope"] = _("Phạm vi không hợp lệ.")
    elif scope == Scope.NATIONAL and unit is not None:
        errors["unit"] = _("Ngày áp dụng toàn quốc không gắn với đơn vị hành chính.")
    elif scope != Scope.NATIONAL and unit is None:
        errors["unit"] = _("Phạm vi cấp tỉnh hoặc đơn vị phải chọn đơn vị hành chính.")
    elif scope == Scope.PROVINCE and unit.level != AdministrativeUnit.Level.PROVINCE:
        errors["unit"] = _("Phạm vi cấp tỉnh phải chọn một tỉnh, thành phố trực thuộc trung ương.")
    if (
        kind == CalendarDay.Kind.MAKEUP_WORKING_DAY
        and date.weekday() not in policy_in_force(date).weekly_rest
    ):
        errors["kind"] = _(
            "Ngày làm bù phải là ngày nghỉ hằng tuần; %(day)s là ngày làm việc bình thường."
        ) % {"day": format_day(date)}
    if errors:
        raise ValidationError(errors)


def _announce(date: dt.date, scope: str, unit: AdministrativeUnit | None) -> None:
    transaction.on_commit(
        lambda: calendar_changed.send(sender=CalendarDay, dates=[date], scope=scope, unit=unit)
    )


@transaction.atomic
def calendar_day_set(
    *,
    actor: Any,
    date: dt.date,
    kind: str,
    name: str,
    legal_ref: str,
    scope: str = Scope.NATIONAL,
    unit: AdministrativeUnit | None = None,
) -> CalendarDay:
    """Create or correct the calendar row of ``date`` in a scope, citing the legal text.

    The row becomes ``source="manual"`` and ``confirmed``: an official has checked it against
    the notice, so later seeding from the ``holidays`` package leaves it alone (DOMAIN.md §3.6).
    A make-up working day must fall on a weekly rest day of the rule set in force.
    """
    _validate(date=date, kind=kind, name=name, legal_ref=legal_ref, scope=scope, unit=unit)
    unit_filter = {"unit": unit} if unit is not None else {"unit__isnull": True}
    row = (
        CalendarDay.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(date=date, scope=scope, **unit_filter)
        .first()
    )
    old = _snapshot(row)
    row = row or CalendarDay(date=date, scope=scope, unit=unit)
    row.kind, row.name, row.legal_ref = kind, name.strip(), legal_ref.strip()
    row.source, row.confirmed, row.updated_by = CalendarDay.Source.MANUAL, True, actor
    row.full_clean(validate_unique=False, validate_constraints=False)
    row.save()
    ledger.record(
        actor=actor,
        action="calendar.day_set",
        obj=row,
        unit_code=unit.code if unit else "",
        payload={"old": old, "new": _snapshot(row), "legal_ref": row.legal_ref},
    )
    _announce(date, scope, unit)
    return row


@transaction.atomic
def calendar_day_remove(*, actor: Any, calendar_day: CalendarDay, legal_ref: str) -> None:
    """Remove a calendar row (the day becomes an ordinary day of the weekly pattern).

    The ledger keeps the removed values; a removed national day is not seeded again.
    """
    if not (legal_ref or "").strip():
        raise ValidationError(
            {"legal_ref": _("Cần ghi căn cứ pháp lý (số, ký hiệu văn bản) của thay đổi lịch làm việc.")}
        )
    row = CalendarDay.objects.select_for_update(of=("self",)).select_related("unit").get(pk=calendar_day.pk)
    old = _snapshot(row)
    ledger.record(
        actor=actor,
        action="calendar.day_removed",
        obj=row,
        unit_code=row.unit.code if row.unit_id else "",
        payload={"old": old, "new": None, "legal_ref": legal_ref.strip()},
    )
    row.delete()
    _announce(row.date, row.scope, row.unit)
