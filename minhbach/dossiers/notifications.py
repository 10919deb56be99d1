"""What to tell whom about a dossier, and through which channel (issue 4 item 6).

Applicants are told when the result is ready, when supplements are requested (Mẫu 02, NĐ 61/2018
Điều 15 khoản 2 điểm b: the request must reach the applicant) and when the office apologises and
sets a new date (Mẫu 04, NĐ 61/2018 Điều 21 khoản 5). Officials get one daily digest of the
dossiers of their agency that become late if not finished by the next working day.

A message carries what the public lookup shows anyway: the dossier code, the procedure, the
status, the dates and the lookup address. Never the citizen ID, the address or the other party's
contact details: an email or SMS can be forwarded, read over a shoulder, or sent to a mistyped
address.

Email goes through Django's ``EMAIL_BACKEND``; SMS through ``MINHBACH_SMS_BACKEND``, a dotted path
to a :class:`BaseSmsBackend` (the console backend prints instead of sending, like Django's
console email backend). Both channels are used when the applicant left both.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import sys
import threading
import unicodedata
from collections import defaultdict
from typing import Any, TextIO

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from minhbach.accounts.models import Membership
from minhbach.core.workdays import engine
from minhbach.core.workdays.calendar import load_calendar
from minhbach.dossiers.clock import due_date_of
from minhbach.dossiers.links import lookup_url
from minhbach.dossiers.models import Dossier, Extension, Status, SupplementRequest
from minhbach.units.models import AdministrativeUnit

logger = logging.getLogger(__name__)

FINISH = "finish"
SUPPLEMENT_ACTIONS = ("request_supplement_before", "request_supplement_after")
APOLOGY = "extension_issued"
APPLICANT_ACTIONS = frozenset({FINISH, *SUPPLEMENT_ACTIONS, APOLOGY})

DIGEST_STATES = (Status.ACCEPTED, Status.IN_PROGRESS)
# Long enough to reach the next working day from any day, even through a 9-day Tết block.
DIGEST_WINDOW = dt.timedelta(days=31)


# --- SMS backends ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str


class BaseSmsBackend:
    """Interface of an SMS gateway: ``send_messages`` returns how many were accepted.

    A real gateway (a carrier's or the province's SMS brandname service) subclasses this and is
    named in ``MINHBACH_SMS_BACKEND``; it should raise on a transport failure so the task fails
    visibly in the task results instead of losing the message silently.
    """

    def __init__(self, **options: Any) -> None:
        self.options = options

    def send_messages(self, messages: list[SmsMessage]) -> int:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes each message to a stream (stdout) instead of sending it: development and demos."""

    def __init__(self, stream: TextIO | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.stream = stream
        self._lock = threading.RLock()

    def send_messages(self, messages: list[SmsMessage]) -> int:
        stream = self.stream or sys.stdout
        with self._lock:
            for message in messages:
                stream.write(f"SMS to {message.to}\n{message.body}\n{'-' * 40}\n")
            stream.flush()
        return len(messages)


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps messages in ``LocmemSmsBackend.outbox`` (tests), like Django's ``mail.outbox``."""

    outbox: list[SmsMessage] = []

    def send_messages(self, messages: list[SmsMessage]) -> int:
        LocmemSmsBackend.outbox.extend(messages)
        return len(messages)


def get_sms_backend(path: str | None = None, **options: Any) -> BaseSmsBackend:
    backend_class = import_string(path or settings.MINHBACH_SMS_BACKEND)
    return backend_class(**options)


def send_sms(to: str, body: str) -> int:
    return get_sms_backend().send_messages([SmsMessage(to=to, body=body)])


def plain_sms(text: str) -> str:
    """Vietnamese without diacritics: one GSM-7 SMS holds 160 such characters, 70 with them."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


# --- Applicant messages ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Message:
    subject: str
    body: str
    sms: str


@dataclasses.dataclass
class Delivery:
    emails: int = 0
    sms: int = 0


def _day(moment: dt.datetime | None) -> str:
    return engine.format_day(engine.to_local(moment).date()) if moment else "—"


def _due_day(moment: dt.datetime | None) -> str:
    return engine.format_day(due_date_of(moment)) if moment else "—"


def _facts(dossier: Dossier) -> dict[str, str]:
    return {
        "code": dossier.code or "",
        "name": dossier.owner.full_name,
        "procedure": dossier.procedure_version.name,
        "status": str(dossier.get_status_display()),
        "agency": dossier.receiving_agency.name,
        "url": lookup_url(dossier.code or ""),
    }


def _closing(facts: dict[str, str]) -> str:
    return (
        _(
            "Tra cứu tình trạng hồ sơ: %(url)s\n\n"
            "Đây là thư tự động của %(agency)s, vui lòng không trả lời thư này."
        )
        % facts
    )


def finish_message(dossier: Dossier) -> Message:
    """The result is ready (status 9): come and collect it, or receive it as agreed."""
    facts = {
        **_facts(dossier),
        "finished": _day(dossier.finished_at),
        "due": _due_day(dossier.printed_due_at),
    }
    subject = _("Hồ sơ %(code)s đã có kết quả") % facts
    body = _(
        "Kính gửi ông/bà %(name)s,\n\n"
        "Hồ sơ %(code)s (%(procedure)s) đã được giải quyết xong ngày %(finished)s.\n"
        "Trạng thái: %(status)s.\n"
        "Ngày hẹn trả kết quả: %(due)s.\n"
        "Mời ông/bà nhận kết quả tại %(agency)s hoặc theo hình thức đã đăng ký.\n\n"
    ) % facts + _closing(facts)
    sms = _("Ho so %(code)s da co ket qua. Moi ong/ba nhan ket qua tai %(agency)s. Tra cuu: %(url)s") % facts
    return Message(subject, body, plain_sms(sms))


def supplement_message(dossier: Dossier, request: SupplementRequest | None) -> Message:
    """Mẫu 02 in short: the full list of missing items and the reason, all at once (one go)."""
    facts = {
        **_facts(dossier),
        "requested": _day(request.requested_at if request else None),
        "reason": request.reason if request else "",
    }
    lines = []
    for number, item in enumerate(request.items if request else [], start=1):
        line = f"{number}. {item.get('name', '').strip()}"
        if (item.get("reason") or "").strip():
            line += f" ({item['reason'].strip()})"
        lines.append(line)
    facts["items"] = "\n".join(lines) or "—"
    subject = _("Hồ sơ %(code)s cần bổ sung, hoàn thiện") % facts
    body = _(
        "Kính gửi ông/bà %(name)s,\n\n"
        "Ngày %(requested)s, %(agency)s đề nghị bổ sung, hoàn thiện hồ sơ %(code)s (%(procedure)s).\n"
        "Trạng thái: %(status)s.\n"
        "Giấy tờ cần bổ sung:\n%(items)s\n"
        "Lý do: %(reason)s\n\n"
    ) % facts + _closing(facts)
    sms = _("Ho so %(code)s can bo sung giay to. Chi tiet: %(url)s") % facts
    return Message(subject, body, plain_sms(sms))


def apology_message(dossier: Dossier, extension: Extension | None) -> Message:
    """Mẫu 04 in short: the apology, the reason and the new date (NĐ 61/2018 Điều 21 khoản 5)."""
    facts = {
        **_facts(dossier),
        "due": _due_day(dossier.effective_due_at),
        "new_due": _due_day(extension.new_due_at if extension else dossier.extended_due_at),
        "reason": extension.reason if extension else "",
    }
    subject = _("Xin lỗi và hẹn lại ngày trả kết quả hồ sơ %(code)s") % facts
    body = _(
        "Kính gửi ông/bà %(name)s,\n\n"
        "%(agency)s chân thành xin lỗi ông/bà vì hồ sơ %(code)s (%(procedure)s) chưa được "
        "giải quyết đúng hạn %(due)s.\n"
        "Lý do: %(reason)s\n"
        "Ngày hẹn trả kết quả mới: %(new_due)s.\n"
        "Trạng thái: %(status)s.\n\n"
    ) % facts + _closing(facts)
    sms = _("Xin loi ong/ba: ho so %(code)s hen tra ket qua lai ngay %(new_due)s. Tra cuu: %(url)s") % facts
    return Message(subject, body, plain_sms(sms))


def applicant_message(dossier: Dossier, action: str) -> Message:
    if action == FINISH:
        return finish_message(dossier)
    if action in SUPPLEMENT_ACTIONS:
        request = SupplementRequest.objects.filter(dossier=dossier).order_by("-requested_at", "-pk").first()
        return supplement_message(dossier, request)
    if action == APOLOGY:
        return apology_message(dossier, Extension.objects.filter(dossier=dossier).first())
    raise ValueError(f"No applicant message for action {action!r}")


def notify_applicant(*, dossier_id: int, action: str) -> Delivery:
    """Tell the dossier's owner about ``action``: email if he left one, SMS if a phone, or both.

    Runs in the worker after the transition committed; a dossier without a code (never the case
    for these actions) or without any contact is skipped.
    """
    delivery = Delivery()
    if action not in APPLICANT_ACTIONS:
        return delivery
    dossier = (
        Dossier.objects.select_related("owner", "procedure_version", "receiving_agency")
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None or not dossier.code:
        return delivery
    with translation.override(settings.LANGUAGE_CODE):
        message = applicant_message(dossier, action)
    owner = dossier.owner
    if owner.email:
        delivery.emails = EmailMessage(subject=message.subject, body=message.body, to=[owner.email]).send()
    if owner.phone:
        delivery.sms = send_sms(owner.phone, message.sms)
    logger.info(
        "dossier %s: %s notified (%d email, %d sms)", dossier.code, action, delivery.emails, delivery.sms
    )
    return delivery


# --- Officers' daily digest --------------------------------------------------------------------


@dataclasses.dataclass
class DigestReport:
    day: dt.date
    agencies: int = 0
    dossiers: int = 0
    emails: int = 0
    skipped_without_email: int = 0
    targets: dict[int, dt.date] = dataclasses.field(default_factory=dict)


def _agencies_with_open_dossiers(day: dt.date) -> dict[int, tuple[int, str]]:
    """Agencies with open dossiers due within the window: ``{agency_id: (unit_id, name)}`` (one query)."""
    rows = (
        Dossier.objects.filter(
            status__in=DIGEST_STATES,
            effective_due_at__gt=engine.end_of_day(day),
            effective_due_at__lte=engine.end_of_day(day + DIGEST_WINDOW),
        )
        .order_by()
        .values_list(
            "receiving_agency_id", "receiving_agency__administrative_unit_id", "receiving_agency__name"
        )
        .distinct()
    )
    return {agency_id: (unit_id, name) for agency_id, unit_id, name in rows}


def digest_targets(day: dt.date, agencies: dict[int, tuple[int, str]]) -> dict[int, dt.date]:
    """The next working day after ``day`` for each agency, one calendar load per territorial unit.

    The calendar depends on the unit (provincial and local days off), not on the dossier, so
    agencies of one commune share one load (two queries), whatever the number of dossiers.
    """
    by_unit: dict[int, dt.date] = {}
    targets: dict[int, dt.date] = {}
    for agency_id, (unit_id, _name) in agencies.items():
        if unit_id not in by_unit:
            # An unsaved instance carries the key: the calendar query needs no unit row.
            cal = load_calendar(day, day + DIGEST_WINDOW, unit=AdministrativeUnit(pk=unit_id))
            by_unit[unit_id] = engine.next_working_day(day, cal)
        targets[agency_id] = by_unit[unit_id]
    return targets


def due_tomorrow(day: dt.date, targets: dict[int, dt.date]) -> dict[int, list[dict[str, Any]]]:
    """Open dossiers (status 2 or 4) of each agency due after ``day`` up to its next working day.

    Usually that is exactly the dossiers due on the next working day; the range also catches a
    due date that fell on a day off in between (an hours-based limit), which would otherwise turn
    late unannounced. One query for every agency: one ``OR`` branch per distinct target date.
    """
    by_target: dict[dt.date, list[int]] = defaultdict(list)
    for agency_id, target in targets.items():
        by_target[target].append(agency_id)
    if not by_target:
        return {}
    condition = Q()
    for target, agency_ids in by_target.items():
        condition |= Q(receiving_agency_id__in=agency_ids, effective_due_at__lte=engine.end_of_day(target))
    rows = (
        Dossier.objects.filter(
            condition, status__in=DIGEST_STATES, effective_due_at__gt=engine.end_of_day(day)
        )
        .order_by("receiving_agency_id", "effective_due_at", "code")
        .values("receiving_agency_id", "code", "procedure_version__name", "effective_due_at", "status")
    )
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row["receiving_agency_id"]].append(row)
    return grouped


def digest_message(agency_name: str, day: dt.date, target: dt.date, rows: list[dict[str, Any]]) -> Message:
    lines = [
        f"- {row['code']} | {row['procedure_version__name']} | {_due_day(row['effective_due_at'])}"
        for row in rows
    ]
    facts = {
        "agency": agency_name,
        "count": len(rows),
        "target": engine.format_day(target),
        "today": engine.format_day(day),
        "lines": "\n".join(lines),
    }
    subject = _("[%(agency)s] %(count)d hồ sơ đến hạn ngày %(target)s") % facts
    body = (
        _(
            "Tổng hợp ngày %(today)s của %(agency)s.\n\n"
            "%(count)d hồ sơ đang giải quyết sẽ quá hạn nếu không xong trong ngày làm việc %(target)s "
            "(mã hồ sơ | thủ tục | hạn giải quyết):\n\n"
            "%(lines)s\n\n"
            "Đây là thư tự động của hệ thống minhbach."
        )
        % facts
    )
    return Message(subject, body, "")


def send_due_digest(day: dt.date | None = None) -> DigestReport:
    """Email each official of each agency one list of its dossiers due on the next working day.

    Queries are bounded by the number of territorial units, never by dossiers or officials:
    agencies (1), calendars (2 per unit), dossiers (1), recipients (1). Officials whose
    membership is valid on ``day`` and who have an email receive it; the others are counted.
    """
    day = day or timezone.localdate()
    report = DigestReport(day=day)
    agencies = _agencies_with_open_dossiers(day)
    report.targets = digest_targets(day, agencies)
    grouped = due_tomorrow(day, report.targets)
    if not grouped:
        return report
    recipients: dict[int, set[str]] = defaultdict(set)
    seen: set[tuple[int, int]] = set()
    memberships = (
        Membership.objects.valid_on(day)
        .filter(agency_id__in=list(grouped))
        .order_by()
        .values_list("agency_id", "official_id", "official__email")
    )
    for agency_id, official_id, email in memberships:
        if (agency_id, official_id) in seen:
            continue
        seen.add((agency_id, official_id))
        if email:
            recipients[agency_id].add(email)
        else:
            report.skipped_without_email += 1
    emails: list[EmailMessage] = []
    with translation.override(settings.LANGUAGE_CODE):
        for agency_id, rows in grouped.items():
            report.agencies += 1
            report.dossiers += len(rows)
            message = digest_message(agencies[agency_id][1], day, report.targets[agency_id], rows)
            emails.extend(
                EmailMessage(subject=message.subject, body=message.body, to=[address])
                for address in sorted(recipients[agency_id])
            )
    if emails:
        report.emails = get_connection().send_messages(emails) or 0
    return report
