"""Every write on a dossier: one service per transition of the table in ``transitions.py``.

Each service locks the dossier row, checks the move against the table (and the optimistic
``lock_version`` when the screen sent one), applies the clock rules of ``clock.py``, appends a
``DossierEvent`` and a ledger entry in the same transaction. A refused move raises
``TransitionError`` with a Vietnamese message and writes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minhbach.core import ledger
from minhbach.core.selectors import ruleset_in_force
from minhbach.core.workdays import engine
from minhbach.dossiers import clock, codes, signals, slips
from minhbach.dossiers.models import (
    Applicant,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierFee,
    DossierStep,
    Extension,
    Status,
    SupplementRequest,
)
from minhbach.dossiers.transitions import AFTER, EXTENSION_STATES, TRANSITIONS
from minhbach.procedures.models import ProcedureVersion, TimeUnit
from minhbach.units.models import Agency


class TransitionError(ValidationError):
    """A move the law (or the current state) does not allow."""


@dataclasses.dataclass
class SubmittedDocument:
    name: str
    originals: int = 0
    copies: int = 0
    procedure_document_id: int | None = None
    digitised: bool = False
    reused: bool = False
    file: Any = None  # an uploaded file, already validated by the form


@dataclasses.dataclass
class FeeCharge:
    name: str
    amount_vnd: int
    paid_at: dt.datetime | None = None
    online_channel: int = 0


@dataclasses.dataclass
class ApplicantData:
    full_name: str
    kind: str = Applicant.Kind.CITIZEN
    citizen_id: str = ""
    tax_code: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    vneid_verified: bool = False


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _settings(day: dt.date) -> tuple[Any, dict[str, Any]]:
    ruleset = ruleset_in_force("onestop", day)
    return ruleset, (ruleset.settings if ruleset else {})


def _applicant(data: ApplicantData) -> Applicant:
    applicant = Applicant(**dataclasses.asdict(data))
    applicant.full_clean()
    applicant.save()
    return applicant


def _record(
    dossier: Dossier, action: str, *, actor: Any, at: dt.datetime, from_status: int | None, note: str = "",
    agency: Agency | None = None, payload: dict[str, Any] | None = None,
) -> DossierEvent:  # fmt: skip
    event = DossierEvent.objects.create(
        dossier=dossier, action=action, from_status=from_status, to_status=dossier.status, at=at,
        actor=actor if getattr(actor, "pk", None) else None, agency=agency, note=note, payload=payload or {},
    )  # fmt: skip
    ledger.record(
        actor=actor,
        action=f"dossier.{action}",
        obj=dossier,
        unit_code=dossier.receiving_agency.electronic_code,
        payload={"code": dossier.code, "from": from_status, "to": dossier.status, "stage": dossier.stage,
                 "at": at, "note": note, **(payload or {})},
    )  # fmt: skip
    signals.dossiers_changed.send(Dossier, dossier_ids=[dossier.pk])
    transaction.on_commit(
        lambda: signals.dossier_transitioned.send(Dossier, dossier_id=dossier.pk, action=action), robust=True
    )
    return event


def _locked(dossier: Dossier, lock_version: int | None) -> Dossier:
    fresh = Dossier.objects.select_for_update().select_related("receiving_agency").get(pk=dossier.pk)
    if lock_version is not None and fresh.lock_version != lock_version:
        raise TransitionError(
            _("Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang và thực hiện lại.")
        )
    return fresh


def _move(dossier: Dossier, action: str) -> int:
    transition = TRANSITIONS[action]
    if (dossier.status, dossier.stage) not in transition.sources:
        raise TransitionError(
            _("Không thể thực hiện thao tác này khi hồ sơ đang ở trạng thái “%(status)s”.")
            % {"status": dossier.get_status_display()}
        )
    previous = dossier.status
    dossier.status, dossier.stage = transition.target
    dossier.lock_version += 1
    return previous


def _require(text: str, message: str) -> str:
    if not (text or "").strip():
        raise TransitionError(message)
    return text.strip()


@transaction.atomic
def dossier_register(
    *,
    actor: Any,
    procedure_version: ProcedureVersion,
    channel: int,
    receiving_agency: Agency,
    owner: ApplicantData,
    submitter: ApplicantData | None = None,
    subject: str = "",
    submitted_at: dt.datetime | None = None,
    source: str = Dossier.Source.NATIVE,
    documents: list[SubmittedDocument] | None = None,
    fees: list[FeeCharge] | None = None,
) -> Dossier:
    """Status 1 (Mới đăng ký): an online submission or a counter registration before the check.

    Online dossiers get their code at once when the rule set says so (D12 ``allocate_on``), so
    the citizen can follow them; counter dossiers get it on acceptance.
    """
    at = _now(submitted_at)
    if procedure_version.status != ProcedureVersion.Status.IN_FORCE:
        raise TransitionError(_("Thủ tục này không còn được áp dụng."))
    if not procedure_version.channels.filter(channel=channel).exists():
        raise TransitionError(_("Thủ tục này không thực hiện qua kênh đã chọn."))
    dossier = Dossier(
        procedure_version=procedure_version, channel=channel, receiving_agency=receiving_agency,
        owner=_applicant(owner), submitter=_applicant(submitter) if submitter else None, subject=subject,
        submitted_at=at, source=source, created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    _ruleset, settings = _settings(clock.local_date(at))
    allocate_on = settings.get("dossier", {}).get("code", {}).get("allocate_online_on", "registered")
    if channel == 2 and allocate_on == "registered":
        dossier.code = codes.allocate(receiving_agency, clock.local_date(at))
    dossier.save()
    for doc in documents or []:
        if not doc.name.strip():
            raise TransitionError(_("Tên giấy tờ không được để trống."))
        record = DossierDocument(
            dossier=dossier,
            procedure_document_id=doc.procedure_document_id,
            name=doc.name.strip(),
            originals=doc.originals,
            copies=doc.copies,
            digitised=doc.digitised or bool(doc.file),
            reused=doc.reused,
        )
        if doc.file:
            record.file.save(doc.file.name, doc.file, save=False)
        record.save()
    for fee in fees or []:
        if fee.amount_vnd < 0:
            raise TransitionError(_("Số tiền phí, lệ phí không được âm."))
        DossierFee.objects.create(
            dossier=dossier,
            name=fee.name,
            amount_vnd=fee.amount_vnd,
            paid_at=fee.paid_at,
            online_channel=fee.online_channel,
        )
    _record(
        dossier,
        "register",
        actor=actor,
        at=at,
        from_status=None,
        agency=receiving_agency,
        payload={"documents": len(documents or []), "fees": [f.amount_vnd for f in fees or []]},
    )
    return dossier


def _pin_time_limit(dossier: Dossier, override: tuple[Decimal, str] | None) -> None:
    if override is not None:
        dossier.time_limit_value, dossier.time_limit_unit = Decimal(override[0]), TimeUnit(override[1])
        return
    channel = (
        dossier.procedure_version.channels.filter(channel=dossier.channel)
        .exclude(time_limit_unit=TimeUnit.UNSPECIFIED)
        .order_by("pk")
        .first()
    )
    if channel is None:
        dossier.time_limit_value, dossier.time_limit_unit = None, TimeUnit.UNSPECIFIED
    else:
        dossier.time_limit_value, dossier.time_limit_unit = channel.time_limit_value, channel.time_limit_unit


@transaction.atomic
def dossier_accept(
    *,
    actor: Any,
    dossier: Dossier,
    accepted_at: dt.datetime | None = None,
    printed_due_at: dt.datetime | None = None,
    time_limit: tuple[Decimal, str] | None = None,
    lock_version: int | None = None,
) -> Dossier:
    """1 or 5 (before acceptance) → 2: the receipt (Mẫu 01) is issued and the clock starts.

    The appointment is ``due(day_zero(accepted_at), n, u)`` (DOMAIN.md §5.6 rule 1). The officer
    may print an earlier appointment, never a later one.
    """
    dossier = _locked(dossier, lock_version)
    at = _now(accepted_at)
    previous = _move(dossier, "accept")
    ruleset, _settings_data = _settings(clock.local_date(at))
    dossier.ruleset = ruleset
    dossier.accepted_at = at
    if not dossier.code:
        dossier.code = codes.allocate(dossier.receiving_agency, clock.local_date(at))
    _pin_time_limit(dossier, time_limit)
    if dossier.time_limit_unit != TimeUnit.UNSPECIFIED:
        cal = clock.calendar_for(
            dossier.receiving_agency,
            *clock.start_window(at, dossier.time_limit_value, dossier.time_limit_unit),
        )
        deadline = clock.start_clock(dossier, at, cal)
        if printed_due_at is not None:
            if deadline is not None and printed_due_at > deadline.due_at:
                raise TransitionError(
                    _("Ngày hẹn trả in trên phiếu không được muộn hơn hạn giải quyết theo quy định.")
                )
            dossier.printed_due_at = printed_due_at
    dossier.save()
    limit = [dossier.time_limit_value, dossier.time_limit_unit]
    _record(dossier, "accept", actor=actor, at=at, from_status=previous, agency=dossier.receiving_agency,
            payload={"due_at": dossier.effective_due_at, "time_limit": limit})  # fmt: skip
    slips.issue_for_transition("accept", dossier, at=at, actor=actor)
    return dossier


@transaction.atomic
def dossier_request_supplement(
    *, actor: Any, dossier: Dossier, items: list[dict[str, str]], reason: str, at: dt.datetime | None = None,
    lock_version: int | None = None,
) -> SupplementRequest:  # fmt: skip
    """Mẫu 02 with the full list of missing items and the reason (NĐ 63/2010 Điều 18 khoản 5).

    Before acceptance the clock has not started; after acceptance it pauses (rule 2) and the
    dossier counts one more request after acceptance (two or more make it late, rule 3).
    """
    reason = _require(reason, _("Phải ghi lý do yêu cầu bổ sung."))
    items = [i for i in items if (i.get("name") or "").strip()]
    if not items:
        raise TransitionError(_("Phải liệt kê đầy đủ các giấy tờ cần bổ sung."))
    dossier = _locked(dossier, lock_version)
    at = _now(at)
    action = (
        "request_supplement_before" if dossier.status == Status.REGISTERED else "request_supplement_after"
    )
    previous = _move(dossier, action)
    if dossier.stage == AFTER:
        if dossier.effective_due_at is not None:
            first = dossier.clock_day_zero or clock.local_date(at)
            clock.pause_clock(
                dossier, at, clock.calendar_for(dossier.receiving_agency, first, clock.local_date(at))
            )
        dossier.paused_at = at
        dossier.supplements_after += 1
    else:
        dossier.supplements_before += 1
    dossier.save()
    request = SupplementRequest.objects.create(
        dossier=dossier, stage=dossier.stage, requested_at=at, items=items, reason=reason
    )
    _record(dossier, action, actor=actor, at=at, from_status=previous, note=reason,
            payload={"items": items, "remaining": dossier.remaining_value})  # fmt: skip
    slips.issue_for_transition(action, dossier, at=at, actor=actor, request=request)
    return request


def _resume(dossier: Dossier, at: dt.datetime) -> None:
    if dossier.effective_due_at is None or dossier.paused_at is None:
        dossier.paused_at = None
        return
    cal = clock.calendar_for(dossier.receiving_agency, *clock.resume_window(dossier, at))
    clock.resume_clock(dossier, at, cal)


@transaction.atomic
def dossier_complete_supplement(
    *, actor: Any, dossier: Dossier, at: dt.datetime | None = None, lock_version: int | None = None
) -> Dossier:
    """5 (after acceptance) → 4: the supplement is complete and the rest of the time runs again."""
    dossier = _locked(dossier, lock_version)
    at = _now(at)
    previous = _move(dossier, "complete_supplement")
    _resume(dossier, at)
    dossier.save()
    SupplementRequest.objects.filter(dossier=dossier, completed_at__isnull=True).update(completed_at=at)
    _record(dossier, "complete_supplement", actor=actor, at=at, from_status=previous,
            payload={"due_at": dossier.effective_due_at})  # fmt: skip
    return dossier


def _close_open_step(dossier: Dossier, at: dt.datetime, actor: Any) -> None:
    """Hand the current step over: its time out, its officer, its own punctuality (§5.6 rule 8)."""
    step = (
        DossierStep.objects.filter(dossier=dossier, handed_over_at__isnull=True)
        .order_by("-received_at")
        .first()
    )
    if step is None:
        return
    step.handed_over_at = at
    if step.officer_id is None:
        step.officer = getattr(actor, "official", None) if getattr(actor, "pk", None) else None
    if step.step_due_at is not None:
        step.punctuality = clock.step_punctuality(at, step.step_due_at)
    step.save()


def _open_step(dossier: Dossier, agency: Agency, at: dt.datetime) -> None:
    DossierStep.objects.create(dossier=dossier, agency=agency, received_at=at)


def _pauses_on_obligation(dossier: Dossier) -> bool:
    """Whether waiting for a fee or tax payment (status 6) stops the clock.

    Portal practice pauses it [V-3P]; the legal basis is not settled (DOMAIN.md §5.2, §12
    question 7), so it is the rule set's ``dossier.pause_on_financial_obligation`` (default yes).
    """
    settings = dossier.ruleset.settings if dossier.ruleset_id else {}
    return bool((settings.get("dossier") or {}).get("pause_on_financial_obligation", True))


def _simple(action: str, *, reason_required: str | None = None, ends: bool = False):
    @transaction.atomic
    def service(
        *, actor: Any, dossier: Dossier, at: dt.datetime | None = None, reason: str = "",
        lock_version: int | None = None, agency: Agency | None = None,
    ) -> Dossier:  # fmt: skip
        if reason_required:
            _require(reason, reason_required)
        locked = _locked(dossier, lock_version)
        moment = _now(at)
        previous = _move(locked, action)
        if action == "transfer" and agency is not None:
            locked.handling_agency = agency
        if action == "notify_obligation" and _pauses_on_obligation(locked):
            if locked.effective_due_at is not None:
                first = locked.clock_day_zero or clock.local_date(moment)
                cal = clock.calendar_for(locked.receiving_agency, first, clock.local_date(moment))
                clock.pause_clock(locked, moment, cal)
            locked.paused_at = moment
        if action == "confirm_payment":
            _resume(locked, moment)
        if action == "finish":
            locked.finished_at = moment
        if action == "return_result":
            locked.returned_at = moment
        if ends:
            locked.ended_at = moment
            locked.paused_at = None
        locked.punctuality = (
            clock.judge(locked)
            if locked.status in (Status.FINISHED, Status.RETURNED, Status.STOPPED)
            else locked.punctuality
        )
        locked.save()
        if action in ("transfer", "hand_over"):
            _close_open_step(locked, moment, actor)
            _open_step(locked, agency or locked.handling_agency or locked.receiving_agency, moment)
        if action in ("finish", "stop", "withdraw"):
            _close_open_step(locked, moment, actor)
        _record(locked, action, actor=actor, at=moment, from_status=previous, note=reason.strip(),
                agency=agency)  # fmt: skip
        slips.issue_for_transition(action, locked, at=moment, actor=actor, reason=reason.strip())
        return locked

    service.__name__ = f"dossier_{action}"
    service.__doc__ = f"Transition ``{action}`` of the table (DOMAIN.md §5.3)."
    return service


dossier_refuse = _simple("refuse", reason_required=_("Phải ghi rõ lý do từ chối tiếp nhận."), ends=True)
dossier_transfer = _simple("transfer")
dossier_hand_over = _simple("hand_over")
dossier_notify_obligation = _simple("notify_obligation")
dossier_confirm_payment = _simple("confirm_payment")
dossier_stop = _simple("stop", reason_required=_("Phải ghi rõ lý do dừng xử lý."), ends=True)
dossier_finish = _simple("finish", ends=True)
dossier_return = _simple("return_result")
dossier_withdraw = _simple("withdraw", reason_required=_("Phải ghi lý do rút hồ sơ."), ends=True)


@transaction.atomic
def dossier_issue_extension(
    *, actor: Any, dossier: Dossier, reason: str, new_due_at: dt.datetime, at: dt.datetime | None = None,
    lock_version: int | None = None,
) -> Extension:  # fmt: skip
    """Mẫu 04, the single apology with a new date (NĐ 61/2018/NĐ-CP Điều 21 khoản 5; D4).

    The new date is reported beside the dossier but never changes its punctuality. An apology
    issued less than one working day before the due date is flagged ``apology_late``.
    """
    reason = _require(reason, _("Phải ghi lý do xin lỗi và hẹn lại."))
    dossier = _locked(dossier, lock_version)
    at = _now(at)
    if (dossier.status, dossier.stage) not in EXTENSION_STATES:
        raise TransitionError(_("Chỉ hồ sơ đang giải quyết mới được hẹn lại ngày trả kết quả."))
    if Extension.objects.filter(dossier=dossier).exists():
        raise TransitionError(_("Hồ sơ đã được hẹn lại một lần; pháp luật chỉ cho phép hẹn lại một lần."))
    if dossier.effective_due_at is None or new_due_at <= dossier.effective_due_at:
        raise TransitionError(_("Ngày hẹn trả mới phải sau hạn giải quyết hiện tại."))
    due_date = clock.due_date_of(dossier.effective_due_at)
    today = clock.local_date(at)
    cal = clock.calendar_for(dossier.receiving_agency, min(today, due_date), max(today, due_date))
    late = engine.count_working_days(today, due_date, cal) < 1
    extension = Extension.objects.create(
        dossier=dossier, issued_at=at, reason=reason, new_due_at=new_due_at, apology_late=late
    )
    dossier.extended_due_at = new_due_at
    dossier.lock_version += 1
    dossier.save(update_fields=["extended_due_at", "lock_version"])
    _record(dossier, "extension_issued", actor=actor, at=at, from_status=dossier.status, note=reason,
            payload={"new_due_at": new_due_at, "apology_late": late})  # fmt: skip
    slips.slip_issue(dossier=dossier, role="apology_extension", at=at, actor=actor, extension=extension)
    return extension


OPEN_STATES = (Status.ACCEPTED, Status.IN_PROGRESS, Status.SUPPLEMENT_REQUESTED, Status.FINANCIAL_OBLIGATION)


def _clock_segment(dossier: Dossier) -> tuple[dt.datetime, Decimal] | None:
    """Where the running clock started and what it had to run: the acceptance and the full limit,
    or, after a resumed pause, the resumption and the remainder (calendar units always move from
    the acceptance, §5.6 rule 2)."""
    unit = TimeUnit(dossier.time_limit_unit)
    if unit in clock.CALENDAR_UNITS or unit == TimeUnit.SAME_DAY:
        started, value = dossier.accepted_at, dossier.time_limit_value
    elif dossier.clock_started_at and dossier.clock_started_at != dossier.accepted_at:
        started, value = dossier.clock_started_at, dossier.remaining_value
    else:
        started, value = dossier.accepted_at, dossier.time_limit_value
    return None if started is None or value is None else (started, value)


@transaction.atomic
def dossiers_recompute_for_calendar(*, dates: list[dt.date], actor: Any = None) -> int:
    """Recompute the due dates of open dossiers whose window covers a changed calendar date.

    DOMAIN.md §3.7 and §12 question 6: the printed appointment stays as issued; the dossier is
    judged against the later of the printed date and the recomputed due date, and both the old
    and the new dates go into the dossier's history. Paused dossiers are left alone: their due
    date is recomputed on the current calendar when the clock resumes. The calendar is read once
    per receiving agency, not once per dossier. Returns the number of dossiers changed.
    """
    if not dates:
        return 0
    first, last = min(dates), max(dates)
    candidates = list(
        Dossier.objects.select_for_update(of=("self",))
        .select_related("receiving_agency")
        .filter(
            status__in=OPEN_STATES,
            paused_at__isnull=True,
            day_zero__lte=last,
            effective_due_at__gt=dt.datetime.combine(first, dt.time(0), tzinfo=engine.VN_TZ),
        )
        .exclude(time_limit_unit=TimeUnit.UNSPECIFIED)
        .order_by("receiving_agency_id", "pk")
    )
    segments = {d.pk: _clock_segment(d) for d in candidates}
    calendars: dict[int, engine.WorkCalendar] = {}
    for agency_id in {d.receiving_agency_id for d in candidates}:
        spans = [
            clock.start_window(seg[0], seg[1], d.time_limit_unit)
            for d in candidates
            if d.receiving_agency_id == agency_id and (seg := segments[d.pk]) is not None
        ]
        if spans:
            agency = next(d.receiving_agency for d in candidates if d.receiving_agency_id == agency_id)
            calendars[agency_id] = clock.calendar_for(
                agency, min(a for a, _b in spans), max(b for _a, b in spans)
            )
    changed = 0
    for dossier in candidates:
        segment = segments[dossier.pk]
        if segment is None:
            continue
        started, value = segment
        new_due = engine.due(
            started, value, dossier.time_limit_unit, calendars[dossier.receiving_agency_id]
        ).due_at
        printed_floor = (
            engine.end_of_day(clock.local_date(dossier.printed_due_at)) if dossier.printed_due_at else None
        )
        judged = max(new_due, printed_floor) if printed_floor else new_due
        if judged == dossier.effective_due_at:
            continue
        old = dossier.effective_due_at
        dossier.effective_due_at = judged
        dossier.lock_version += 1
        dossier.save(update_fields=["effective_due_at", "lock_version"])
        _record(dossier, "deadline_recomputed", actor=actor, at=timezone.now(), from_status=dossier.status,
                payload={"old_due_at": old, "recomputed_due_at": new_due, "judged_due_at": judged,
                         "dates": [d.isoformat() for d in dates]})  # fmt: skip
        changed += 1
    return changed


@transaction.atomic
def dossier_exempt_one_go(*, actor: Any, dossier: Dossier, reason: str) -> Dossier:
    """Record that a resubmission brought new facts, so an earlier refusal does not count (§5.7 rule 3)."""
    reason = _require(reason, _("Phải ghi rõ tình tiết mới của hồ sơ nộp lại."))
    dossier = _locked(dossier, None)
    dossier.one_go_exemption = reason
    dossier.lock_version += 1
    dossier.save(update_fields=["one_go_exemption", "lock_version"])
    _record(
        dossier, "one_go_exempted", actor=actor, at=timezone.now(), from_status=dossier.status, note=reason
    )
    return dossier
