"""Public read of a dossier: what a citizen may see by code and phone digits, or by the receipt's QR.

What is public (DOMAIN.md §5; Acceptance of issue 4):

* the code, the procedure, the receiving office, the channel, the status (portal label);
* the dates of the public steps: submitted, accepted or refused, sent for handling, supplement
  requested and completed, financial obligation notified and paid, apology with new date,
  stopped, finished, result returned, withdrawn. Only the date, never the officer, the note or
  the payload: notes and reasons are free text that can carry anyone's personal data, and
  internal hand-overs between officers (``hand_over``) and recomputations
  (``deadline_recomputed``) are back-office facts;
* the appointment printed on the receipt, the new date of an apology, and "why this date": the
  stored deadline trace rendered in Vietnamese (working days counted, days off skipped and why).

What is never shown: the applicant's citizen ID, address, phone, email, and not even a masked
name. The citizen already knows who they are; a masked name ("H*** T*** L***") would still
tell a stranger holding a code the initials and the number of words. The answer for a wrong
code and for wrong phone digits is the same, so a code cannot be confirmed without the
digits, and both are rate-limited by client IP and by code (``check_rate``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import re

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minhbach.core.workdays.engine import Event, TraceLine
from minhbach.dossiers import clock, links
from minhbach.dossiers.models import Dossier, Status
from minhbach.dossiers.services import OPEN_STATES
from minhbach.procedures.models import Channel, TimeUnit
from minhbach.procedures.selectors import format_number

#: Event actions a citizen sees, with their public label. Anything else stays in the back office.
PUBLIC_EVENTS: dict[str, str] = {
    "register": gettext_lazy("Nộp, đăng ký hồ sơ"),
    "accept": gettext_lazy("Hồ sơ được tiếp nhận, hẹn ngày trả kết quả"),
    "refuse": gettext_lazy("Hồ sơ không được tiếp nhận"),
    "request_supplement_before": gettext_lazy("Yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "transfer": gettext_lazy("Chuyển cơ quan chuyên môn xử lý"),
    "request_supplement_after": gettext_lazy("Yêu cầu bổ sung giấy tờ (tạm dừng tính thời hạn)"),
    "complete_supplement": gettext_lazy("Đã bổ sung đủ giấy tờ (tiếp tục tính thời hạn)"),
    "notify_obligation": gettext_lazy("Thông báo thực hiện nghĩa vụ tài chính"),
    "confirm_payment": gettext_lazy("Đã thực hiện nghĩa vụ tài chính"),
    "extension_issued": gettext_lazy("Xin lỗi và hẹn lại ngày trả kết quả"),
    "stop": gettext_lazy("Dừng xử lý hồ sơ"),
    "finish": gettext_lazy("Đã xử lý xong, chờ trả kết quả"),
    "return_result": gettext_lazy("Đã trả kết quả"),
    "withdraw": gettext_lazy("Rút hồ sơ theo yêu cầu"),
}

NO_PHONE = "\x00" * 4  # never equal to four digits typed by anyone


@dataclasses.dataclass(frozen=True)
class TimelineRow:
    day: dt.date
    label: str


@dataclasses.dataclass(frozen=True)
class Explanation:
    """ "Why this date": a plain summary and the computation, line by line."""

    summary: str
    lines: list[str]
    after_pause: list[str]


@dataclasses.dataclass(frozen=True)
class PublicDossier:
    code: str
    status: int
    status_label: str
    procedure_name: str
    procedure_code: str
    agency_name: str
    channel_label: str
    submitted_at: dt.datetime
    accepted_at: dt.datetime | None
    appointment_at: dt.datetime | None
    #: The due date after pauses when it differs from the printed appointment (rule 2, §5.6).
    current_due_on: dt.date | None
    extended_due_on: dt.date | None
    paused: bool
    timeline: list[TimelineRow]
    explanation: Explanation | None


# --- Why this date ---------------------------------------------------------------------------


def _time_or_none(text: str | None, parse):
    return parse(text) if text else None


def trace_line_from_dict(data: dict) -> TraceLine:
    """Rebuild a ``TraceLine`` from ``TraceLine.as_dict()`` (the engine offers no reader)."""
    return TraceLine(
        event=Event(data["event"]),
        day=dt.date.fromisoformat(data["day"]),
        ordinal=data.get("ordinal"),
        reason=data.get("reason", ""),
        name=data.get("name", ""),
        legal_ref=data.get("legal_ref", ""),
        at=_time_or_none(data.get("at"), dt.datetime.fromisoformat),
        until=_time_or_none(data.get("until"), dt.datetime.fromisoformat),
        seconds=data.get("seconds"),
        cutoff=_time_or_none(data.get("cutoff"), dt.time.fromisoformat),
    )


def render_trace(trace: dict | None) -> list[str]:
    """The Vietnamese lines of a stored ``Deadline.as_dict()``; unreadable lines are left out."""
    lines = []
    for item in (trace or {}).get("trace", []):
        try:
            lines.append(trace_line_from_dict(item).render())
        except (KeyError, ValueError, TypeError):
            continue
    return lines


def _summary(trace: dict) -> str:
    unit, value = trace.get("unit", ""), trace.get("value", "")
    try:
        unit_label = TimeUnit(unit).label
        amount = format_number(value)
    except ValueError:
        return ""
    if unit == TimeUnit.SAME_DAY:
        return _("Thủ tục này được giải quyết trong ngày tiếp nhận.")
    if unit in (TimeUnit.WORKING_DAY, TimeUnit.WORKING_HOUR):
        return _(
            "Thời hạn giải quyết là %(n)s %(unit)s. Ngày tiếp nhận là ngày 0 và không được tính; "
            "hồ sơ nhận sau giờ chốt hoặc vào ngày nghỉ được tính từ ngày làm việc tiếp theo. "
            "Thứ Bảy, Chủ nhật và ngày nghỉ lễ, Tết không được tính, ngày làm bù thì được tính."
        ) % {"n": amount, "unit": unit_label}
    return _(
        "Thời hạn giải quyết là %(n)s %(unit)s, tính liên tục từ sau ngày tiếp nhận; nếu ngày cuối "
        "rơi vào ngày nghỉ thì hạn chuyển sang ngày làm việc tiếp theo."
    ) % {"n": amount, "unit": unit_label}


def explain(dossier: Dossier) -> Explanation | None:
    trace = dossier.deadline_trace or {}
    if not trace.get("trace"):
        return None
    return Explanation(
        summary=_summary(trace),
        lines=render_trace(trace),
        after_pause=render_trace(trace.get("after_pause")),
    )


# --- Finding a dossier -----------------------------------------------------------------------


def _dossier(code: str) -> Dossier | None:
    return (
        Dossier.objects.filter(code=code)
        .select_related("owner", "submitter", "procedure_version__procedure", "receiving_agency")
        .first()
    )


def last_digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-4:] if len(digits) >= 4 else NO_PHONE


def find_by_digits(code: str, digits: str) -> Dossier | None:
    """The dossier when ``digits`` are the last four of the owner's or submitter's phone.

    Both failures return ``None`` after the same work, so the answer cannot tell them apart.
    """
    dossier = _dossier(code)
    phones = [dossier.owner.phone, dossier.submitter.phone if dossier.submitter else ""] if dossier else [""]
    matched = False
    for phone in phones:
        matched |= hmac.compare_digest(last_digits(phone).encode(), digits.encode())
    return dossier if matched else None


def find_by_token(code: str, token: str) -> Dossier | None:
    """The dossier of a receipt's QR (``links.lookup_url``); ``None`` for a bad token."""
    if not token or not links.token_matches(code, token):
        return None
    return _dossier(code)


def _current_due_on(dossier: Dossier) -> dt.date | None:
    """Due moments are exclusive (24:00 is 00:00 of the next day): shown as the date they end."""
    if dossier.effective_due_at is None or dossier.status not in OPEN_STATES:
        return None
    due_on = clock.due_date_of(dossier.effective_due_at)
    printed_on = timezone.localdate(dossier.printed_due_at) if dossier.printed_due_at else None
    return due_on if due_on != printed_on else None


def public_view(dossier: Dossier) -> PublicDossier:
    """Everything the public page shows, and nothing else (one query for the timeline)."""
    events = (
        dossier.events.filter(action__in=list(PUBLIC_EVENTS)).order_by("at", "pk").values_list("action", "at")
    )
    timeline = [
        TimelineRow(day=timezone.localdate(at), label=str(PUBLIC_EVENTS[action])) for action, at in events
    ]
    version = dossier.procedure_version
    return PublicDossier(
        code=dossier.code or "",
        status=dossier.status,
        status_label=str(Status(dossier.status).label),
        procedure_name=version.name,
        procedure_code=version.procedure.code,
        agency_name=dossier.receiving_agency.name,
        channel_label=str(Channel(dossier.channel).label),
        submitted_at=dossier.submitted_at,
        accepted_at=dossier.accepted_at,
        appointment_at=dossier.printed_due_at,
        current_due_on=_current_due_on(dossier),
        extended_due_on=clock.due_date_of(dossier.extended_due_at) if dossier.extended_due_at else None,
        paused=dossier.paused_at is not None,
        timeline=timeline,
        explanation=explain(dossier),
    )


# --- Rate limit ------------------------------------------------------------------------------


def rate_limit() -> tuple[int, int]:
    """(attempts, seconds): ``DOSSIER_LOOKUP_RATE_LIMIT`` per ``DOSSIER_LOOKUP_RATE_WINDOW``."""
    return (
        int(getattr(settings, "DOSSIER_LOOKUP_RATE_LIMIT", 10)),
        int(getattr(settings, "DOSSIER_LOOKUP_RATE_WINDOW", 600)),
    )


def _key(kind: str, value: str) -> str:
    return f"dossier-lookup:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def _hit(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def client_ip(request) -> str:
    """``REMOTE_ADDR``: a reverse proxy must set it (X-Forwarded-For is the sender's to forge)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def attempt_allowed(ip: str) -> bool:
    """Count one attempt from ``ip``; ``False`` once it has made more than the limit in the window."""
    limit, window = rate_limit()
    return _hit(_key("ip", ip), window) <= limit


def code_blocked(code: str) -> bool:
    """A code with ``limit`` failed attempts in the window is closed to digit guesses for a while."""
    limit, _window = rate_limit()
    return (cache.get(_key("code", code.upper())) or 0) >= limit


def record_failure(code: str) -> None:
    _limit, window = rate_limit()
    _hit(_key("code", code.upper()), window)
