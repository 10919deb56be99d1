"""``python manage.py workdays add|explain START N``: deadlines from the command line.

A stable interface that other tools call:

- ``workdays add 2024-04-26 5`` prints ``2024-05-07``: a plain date is day zero (excluded,
  BLDS 2015 Điều 147), no cut-off;
- ``workdays add 2024-02-07T16:30 3 --unit CODE`` starts from a moment of receipt (local time
  unless an offset is given), applying the agency's cut-off and office hours;
- ``workdays explain ...`` prints the trace, one Vietnamese line per step, then the due date;
- ``--unit-kind`` selects the unit of the time limit (default ``working_day``). Hours and
  ``same_day`` print the due moment as ``YYYY-MM-DDTHH:MM+07:00``.

Years of the period that have no national calendar row at all are seeded from the ``holidays``
package first (``source="seed"``, unconfirmed), and the command says so on stderr: a deadline
computed on an empty calendar would silently ignore every holiday.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minhbach.core.workdays import engine, seed
from minhbach.core.workdays.calendar import compute_due, window_end
from minhbach.core.workdays.engine import TimeUnit
from minhbach.units.models import Agency

DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
HOUR_UNITS = (TimeUnit.HOUR, TimeUnit.WORKING_HOUR)
MOMENT_UNITS = (*HOUR_UNITS, TimeUnit.SAME_DAY)
MAX_VALUE = {
    TimeUnit.WORKING_DAY: 2000,
    TimeUnit.DAY: 3660,
    TimeUnit.MONTH: 120,
    TimeUnit.HOUR: 16000,
    TimeUnit.WORKING_HOUR: 16000,
    TimeUnit.SAME_DAY: 0,
}


def parse_start(text: str) -> dt.date | dt.datetime:
    """``YYYY-MM-DD`` (a date), ``YYYY-MM-DDTHH:MM[:SS][±HH:MM]`` (a moment), ``today`` or ``now``."""
    text = text.strip()
    if text == "today":
        return timezone.localdate(timezone=engine.VN_TZ)
    if text == "now":
        return timezone.now()
    try:
        if DATE_RE.fullmatch(text):
            return dt.date.fromisoformat(text)
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _(
                "Ngày bắt đầu «%(value)s» không hợp lệ: ghi theo dạng YYYY-MM-DD "
                "hoặc YYYY-MM-DDTHH:MM (giờ Việt Nam)."
            )
            % {"value": text}
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=engine.VN_TZ)


def parse_value(text: str, unit: TimeUnit) -> int | Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise CommandError(_("Thời hạn «%(value)s» không phải là một số.") % {"value": text})
    if value < 0:
        raise CommandError(_("Thời hạn phải là số không âm, nhận được %(value)s.") % {"value": text})
    if unit not in HOUR_UNITS and value != value.to_integral_value():
        raise CommandError(_("Thời hạn tính bằng ngày hoặc tháng phải là số nguyên."))
    if value > MAX_VALUE[unit] and unit is not TimeUnit.SAME_DAY:
        raise CommandError(
            _("Thời hạn %(value)s quá lớn (tối đa %(max)s).") % {"value": text, "max": MAX_VALUE[unit]}
        )
    return value if unit in HOUR_UNITS else int(value)


def find_agency(code: str, on: dt.date) -> Agency:
    """The agency with this electronic code or slug, preferring the one valid on ``on``."""
    candidates = Agency.objects.filter(Q(electronic_code=code) | Q(slug=code)).order_by("-valid_from")
    agency = candidates.valid_on(on).first() or candidates.first()
    if agency is None:
        raise CommandError(
            _("Không tìm thấy cơ quan, đơn vị có mã định danh hoặc đường dẫn «%(code)s».") % {"code": code}
        )
    return agency


class Command(BaseCommand):
    @property
    def help(self) -> str:  # translated when the parser is built, in the active language
        return _(
            "Tính hạn giải quyết theo lịch làm việc: «add» in ngày hạn, «explain» in diễn giải từng ngày."
        )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["add", "explain"], help=_("add hoặc explain"))
        parser.add_argument(
            "start",
            help=_("Ngày (YYYY-MM-DD, không tính ngày này) hoặc thời điểm tiếp nhận (YYYY-MM-DDTHH:MM)"),
        )
        parser.add_argument("value", help=_("Thời hạn (số ngày, tháng hoặc giờ)"))
        parser.add_argument(
            "--unit",
            dest="agency_code",
            help=_("Mã định danh điện tử hoặc đường dẫn của cơ quan tiếp nhận"),
        )
        parser.add_argument(
            "--unit-kind",
            dest="time_unit",
            default=TimeUnit.WORKING_DAY.value,
            choices=[unit.value for unit in TimeUnit],
            help=_("Đơn vị tính thời hạn (mặc định working_day)"),
        )

    def handle(
        self, *args, action: str, start: str, value: str, agency_code: str | None, time_unit: str, **opts
    ):
        unit = TimeUnit(time_unit)
        begin = parse_start(start)
        amount = parse_value(value, unit)
        if unit in HOUR_UNITS and not isinstance(begin, dt.datetime):
            raise CommandError(_("Thời hạn tính bằng giờ cần thời điểm tiếp nhận, dạng YYYY-MM-DDTHH:MM."))
        first = engine.to_local(begin).date() if isinstance(begin, dt.datetime) else begin
        agency = find_agency(agency_code, first) if agency_code else None

        self._ensure_seeded(range(first.year, window_end(first, amount, unit).year + 1))
        result = compute_due(begin, amount, unit, agency=agency)
        if self._ensure_seeded(range(first.year, result.due_date.year + 1)):
            result = compute_due(begin, amount, unit, agency=agency)

        if action == "explain":
            for line in result.lines():
                self.stdout.write(line)
            if result.ruleset:
                self.stdout.write(_("Bộ quy tắc áp dụng: %(ruleset)s") % {"ruleset": result.ruleset})
            if result.office_close_at and unit not in MOMENT_UNITS:
                self.stdout.write(
                    _("Giờ hẹn trả in trên phiếu: %(time)s ngày %(day)s")
                    % {"time": f"{result.office_close_at:%H:%M}", "day": f"{result.due_date:%d/%m/%Y}"}
                )
        self.stdout.write(self._format(result, unit))

    @staticmethod
    def _format(result: engine.Deadline, unit: TimeUnit) -> str:
        if unit in MOMENT_UNITS:
            return result.due_at.astimezone(engine.VN_TZ).isoformat(timespec="minutes")
        return result.due_date.isoformat()

    def _ensure_seeded(self, years: range) -> list[int]:
        if years.start < seed.FIRST_YEAR or years.stop - 1 > seed.LAST_YEAR:
            raise CommandError(
                _("Chỉ tính được hạn trong các năm từ %(a)s đến %(b)s.")
                % {"a": seed.FIRST_YEAR, "b": seed.LAST_YEAR}
            )
        missing = seed.missing_years(years)
        for report in seed.seed_years(missing):
            self.stderr.write(
                _(
                    "Lịch năm %(year)s chưa có: đã khởi tạo %(n)s ngày từ thư viện holidays "
                    "(chưa đối chiếu; xem lệnh seed_calendar)."
                )
                % {"year": report.year, "n": report.created}
            )
        return missing
