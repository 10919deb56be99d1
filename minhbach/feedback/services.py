"""Every write on a feedback item: one service per transition of ``transitions.py``.

Each service locks the row, checks the move against the table, appends a ``FeedbackEvent`` and a
ledger entry in the same transaction. A refused move raises ``TransitionError`` (a
``ValidationError`` with a Vietnamese message) and writes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minhbach.core import ledger
from minhbach.core.text import fold
from minhbach.core.workdays import engine
from minhbach.core.workdays.calendar import load_calendar
from minhbach.feedback import codes, sla
from minhbach.feedback.models import (
    Category,
    Channel,
    Feedback,
    FeedbackEvent,
    FeedbackFollowUp,
    FeedbackReaction,
    SenderKind,
    State,
    Substantiated,
    class_766_of,
)
from minhbach.feedback.transitions import TRANSITIONS
from minhbach.units.models import Agency


class TransitionError(ValidationError):
    """A move NĐ 20/2008 (or the current state) does not allow."""


@dataclasses.dataclass
class Sender:
    name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    kind: str = SenderKind.PERSON
    anonymous: bool = False


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _require(text: str, message: str) -> str:
    if not (text or "").strip():
        raise TransitionError(message)
    return text.strip()


def _record(
    feedback: Feedback, action: str, *, actor: Any, at: dt.datetime, from_state: str, note: str = "",
    agency: Agency | None = None, payload: dict[str, Any] | None = None, late: bool | None = None,
) -> FeedbackEvent:  # fmt: skip
    agency = agency or feedback.agency
    event = FeedbackEvent.objects.create(
        feedback=feedback, action=action, from_state=from_state, to_state=feedback.state, at=at,
        actor=_actor(actor), agency=agency, note=note, payload=payload or {}, late=late,
    )  # fmt: skip
    ledger.record(
        actor=actor,
        action=f"feedback.{action}",
        obj=feedback,
        unit_code=agency.electronic_code,
        payload={"code": feedback.code, "from": from_state, "to": feedback.state, "at": at, "note": note,
                 **(payload or {})},
    )  # fmt: skip
    return event


def _locked(feedback: Feedback, lock_version: int | None = None) -> Feedback:
    fresh = Feedback.objects.select_for_update().select_related("agency").get(pk=feedback.pk)
    if lock_version is not None and fresh.lock_version != lock_version:
        raise TransitionError(
            _("Phản ánh vừa được người khác cập nhật. Vui lòng tải lại trang và thực hiện lại.")
        )
    return fresh


def _check(feedback: Feedback, action: str) -> None:
    if feedback.state not in TRANSITIONS[action].sources:
        raise TransitionError(
            _("Không thể thực hiện thao tác này khi phản ánh đang ở trạng thái “%(state)s”.")
            % {"state": feedback.get_state_display()}
        )


def _move(feedback: Feedback, action: str) -> str:
    transition = TRANSITIONS[action]
    _check(feedback, action)
    previous = feedback.state
    feedback.state = transition.target
    feedback.lock_version += 1
    return previous


@transaction.atomic
def feedback_receive(
    *,
    actor: Any,
    agency: Agency,
    channel: str,
    text: str,
    category: str = Category.OTHER,
    sender: Sender | None = None,
    title: str = "",
    received_at: dt.datetime | None = None,
    procedure: Any = None,
    dossier: Any = None,
    target_official: Any = None,
    out_of_scope: bool = False,
) -> Feedback:
    """Register (vào sổ) an item from the portal or the desk (NĐ 20/2008 Điều 9).

    Valid (Điều 7) needs clear content and the sender's name, address and phone; an anonymous or
    incomplete item is kept as information only (``valid = False``). Complaints and
    denunciations are flagged ``out_of_scope`` (Điều 1) and follow their own laws.
    """
    at = _now(received_at)
    sender = sender or Sender(anonymous=True)
    text = _require(text, _("Nội dung phản ánh không được để trống."))
    if channel not in Channel.values:
        raise TransitionError(_("Kênh tiếp nhận không hợp lệ."))
    if category not in Category.values:
        raise TransitionError(_("Loại phản ánh không hợp lệ."))
    if sender.anonymous:
        sender = Sender(kind=sender.kind, anonymous=True)
    complete = all(v.strip() for v in (sender.name, sender.address, sender.phone))
    feedback = Feedback(
        code=codes.allocate(engine.to_local(at).date()), channel=channel, received_at=at, timer_start=at,
        sender_name=sender.name.strip(), sender_address=sender.address.strip(),
        sender_phone=sender.phone.strip(),
        sender_email=sender.email.strip(), sender_kind=sender.kind, anonymous=sender.anonymous,
        title=title.strip(), text=text, procedure=procedure, dossier=dossier, agency=agency,
        target_official=target_official, category=category, class_766=class_766_of(category),
        valid=complete and not sender.anonymous, out_of_scope=out_of_scope,
        substantiated=Substantiated.PENDING if category == Category.CONDUCT else "",
    )  # fmt: skip
    sla.stamp(feedback)
    feedback.save()
    _record(
        feedback,
        "receive",
        actor=actor,
        at=at,
        from_state="",
        payload={"channel": channel, "valid": feedback.valid},
    )
    if dossier is not None:
        # A PAKN about a dossier counts against it in the 766 rate 5.4 (§7.2): tell the rollups.
        from minhbach.dossiers.signals import dossiers_changed

        dossiers_changed.send(type(dossier), dossier_ids=[dossier.pk])
    return feedback


@transaction.atomic
def feedback_refuse(*, actor: Any, feedback: Feedback, reason: str, at: dt.datetime | None = None,
                    lock_version: int | None = None) -> Feedback:  # fmt: skip
    """Refuse an invalid item or return it to the sender agency (timer ``refuse``, ≤ 2 working days)."""
    reason = _require(reason, _("Vui lòng nêu lý do từ chối."))
    feedback = _locked(feedback, lock_version)
    at = _now(at)
    previous = _move(feedback, "refuse")
    feedback.refused_at, feedback.refusal_reason = at, reason
    feedback.save()
    _record(feedback, "refuse", actor=actor, at=at, from_state=previous, note=reason)
    return feedback


@transaction.atomic
def feedback_request_info(*, actor: Any, feedback: Feedback, note: str, at: dt.datetime | None = None,
                          lock_version: int | None = None) -> Feedback:  # fmt: skip
    """Ask the sender for more information; the ``answer`` timer pauses until the reply (§6.4)."""
    note = _require(note, _("Vui lòng nêu thông tin cần bổ sung."))
    feedback = _locked(feedback, lock_version)
    at = _now(at)
    previous = _move(feedback, "request_info")
    if feedback.anonymous:
        raise TransitionError(_("Phản ánh ẩn danh không có địa chỉ liên hệ để yêu cầu bổ sung."))
    feedback.info_requested_at = at
    if feedback.first_info_requested_at is None or feedback.first_info_requested_at < feedback.timer_start:
        feedback.first_info_requested_at = at
    feedback.save()
    _record(feedback, "request_info", actor=actor, at=at, from_state=previous, note=note)
    return feedback


@transaction.atomic
def feedback_info_received(*, actor: Any, feedback: Feedback, note: str = "", at: dt.datetime | None = None,
                           lock_version: int | None = None) -> Feedback:  # fmt: skip
    """The sender's reply: the working days waited are added to the ``answer`` timer."""
    feedback = _locked(feedback, lock_version)
    at = _now(at)
    previous = _move(feedback, "info_received")
    asked, replied = engine.to_local(feedback.info_requested_at).date(), engine.to_local(at).date()
    waited = 0
    if replied > asked:
        cal = load_calendar(asked, replied, agency=feedback.agency)
        waited = engine.count_working_days(asked, replied, cal)
    feedback.paused_working_days += waited
    feedback.info_received_at = at
    feedback.handling_started_at = feedback.handling_started_at or at
    sla.stamp(feedback)
    feedback.save()
    _record(feedback, "info_received", actor=actor, at=at, from_state=previous, note=note,
            payload={"paused_working_days": waited})  # fmt: skip
    return feedback


@transaction.atomic
def feedback_forward(*, actor: Any, feedback: Feedback, to_agency: Agency, note: str = "",
                     at: dt.datetime | None = None, lock_version: int | None = None) -> Feedback:  # fmt: skip
    """Forward to the competent unit (NĐ 20/2008 Điều 9 khoản 1 điểm d): timers restart there.

    The sending unit's history ends with ``forwarded``; the item enters ``received`` at the new
    unit with ``timer_start`` at the transfer. The ``forward`` event carries ``late``: whether the
    5 working days (``forward`` timer of the rule set) had passed, counted in ``pakn_summary``.
    """
    feedback = _locked(feedback, lock_version)
    if to_agency.pk == feedback.agency_id:
        raise TransitionError(_("Đơn vị nhận chuyển phải khác đơn vị đang xử lý."))
    at = _now(at)
    deadline = sla.forward_deadline(feedback)
    previous = _move(feedback, "forward")
    source = feedback.agency
    feedback.state = State.FORWARDED
    _record(feedback, "forward", actor=actor, at=at, from_state=previous, note=note, agency=source,
            payload={"to_agency": to_agency.electronic_code, "due": deadline.due_date.isoformat()},
            late=at >= deadline.due_at)  # fmt: skip
    feedback.state = State.RECEIVED
    feedback.agency = to_agency
    feedback.timer_start = at
    feedback.forward_count += 1
    feedback.paused_working_days = 0
    sla.stamp(feedback)
    feedback.save()
    _record(feedback, "receive_forwarded", actor=actor, at=at, from_state=State.FORWARDED,
            payload={"from_agency": source.electronic_code})  # fmt: skip
    return feedback


def _simple(action: str, feedback: Feedback, actor: Any, at: dt.datetime | None, lock_version: int | None,
            note: str = "", **changes: Any) -> Feedback:  # fmt: skip
    feedback = _locked(feedback, lock_version)
    at = _now(at)
    previous = _move(feedback, action)
    for field, value in changes.items():
        setattr(feedback, field, at if value is _AT else value)
    if action == "approve":  # the publish timer starts at the approval
        sla.stamp(feedback)
    feedback.save()
    _record(feedback, action, actor=actor, at=at, from_state=previous, note=note)
    return feedback


_AT = object()


@transaction.atomic
def feedback_start_handling(*, actor: Any, feedback: Feedback, at: dt.datetime | None = None,
                            lock_version: int | None = None) -> Feedback:  # fmt: skip
    if feedback.out_of_scope:
        raise TransitionError(
            _("Khiếu nại, tố cáo không xử lý theo quy trình phản ánh, kiến nghị; hãy từ chối và hướng dẫn.")
        )
    return _simple("start_handling", feedback, actor, at, lock_version, handling_started_at=_AT)


@transaction.atomic
def feedback_submit_answer(*, actor: Any, feedback: Feedback, answer: str, at: dt.datetime | None = None,
                           lock_version: int | None = None) -> Feedback:  # fmt: skip
    answer = _require(answer, _("Nội dung trả lời không được để trống."))
    return _simple("submit_answer", feedback, actor, at, lock_version, answer=answer, answer_submitted_at=_AT)


@transaction.atomic
def feedback_approve(*, actor: Any, feedback: Feedback, at: dt.datetime | None = None,
                     lock_version: int | None = None) -> Feedback:  # fmt: skip
    """The unit leader approves the answer (QĐ 31/2021 Điều 46): it is ready for publication."""
    from minhbach.disclosure.services import on_feedback_approved  # sibling app: imported lazily

    feedback = _simple(
        "approve", feedback, actor, at, lock_version, approved_at=_AT, approved_by=_actor(actor)
    )
    on_feedback_approved(actor=actor, feedback=feedback)  # register item due + 2 working days (§8.2)
    return feedback


@transaction.atomic
def feedback_return_for_rework(*, actor: Any, feedback: Feedback, note: str, at: dt.datetime | None = None,
                               lock_version: int | None = None) -> Feedback:  # fmt: skip
    note = _require(note, _("Vui lòng nêu yêu cầu chỉnh sửa câu trả lời."))
    return _simple("return_for_rework", feedback, actor, at, lock_version, note=note)


@transaction.atomic
def feedback_publish(*, actor: Any, feedback: Feedback, question_redacted: str, answer: str | None = None,
                     at: dt.datetime | None = None, lock_version: int | None = None) -> Feedback:  # fmt: skip
    """Publish the redacted question and the answer (NĐ 20/2008 Điều 19; NĐ 13/2023 on personal data).

    Nothing a citizen wrote goes public before staff confirm the redacted text (§6.6): the
    officer submits ``question_redacted`` (prefilled by ``suggest_redaction``) explicitly.
    """
    question = _require(
        question_redacted, _("Cần xác nhận nội dung phản ánh đã ẩn thông tin cá nhân trước khi công khai.")
    )
    feedback = _locked(feedback, lock_version)
    _check(feedback, "publish")
    final_answer = (answer if answer is not None else feedback.answer).strip()
    if not final_answer:
        raise TransitionError(_("Chưa có nội dung trả lời để công khai."))
    folded = fold(f"{feedback.code} {question} {final_answer}")
    from minhbach.disclosure.services import on_feedback_published  # sibling app: imported lazily

    feedback = _simple("publish", feedback, actor, at, None, question_redacted=question, answer=final_answer,
                       published_at=_AT, search_folded=folded)  # fmt: skip
    on_feedback_published(actor=actor, feedback=feedback)  # fulfils the register item (§8.3)
    return feedback


@transaction.atomic
def feedback_reopen(*, actor: Any, feedback: Feedback, note: str, at: dt.datetime | None = None,
                    lock_version: int | None = None) -> Feedback:  # fmt: skip
    """A follow-up complaint about the published result: back to handling (counts as unsatisfied)."""
    note = _require(note, _("Vui lòng nhập nội dung phản ánh lại."))
    feedback = _locked(feedback, lock_version)
    return _simple("reopen", feedback, actor, at, None, note=note, reopened=feedback.reopened + 1)


@transaction.atomic
def feedback_set_substantiated(*, actor: Any, feedback: Feedback, value: str, note: str = "",
                               at: dt.datetime | None = None) -> Feedback:  # fmt: skip
    """Outcome of the check of a conduct item (K5 "no harassment" evidence); not a state change."""
    feedback = _locked(feedback)
    if feedback.category != Category.CONDUCT:
        raise TransitionError(_("Chỉ phản ánh về hành vi của cán bộ mới có kết quả xác minh."))
    if value not in Substantiated.values:
        raise TransitionError(_("Kết quả xác minh không hợp lệ."))
    at = _now(at)
    feedback.substantiated = value
    feedback.lock_version += 1
    feedback.save()
    _record(feedback, "set_substantiated", actor=actor, at=at, from_state=feedback.state, note=note,
            payload={"substantiated": value})  # fmt: skip
    return feedback


def suggest_redaction(feedback: Feedback) -> str:
    """Prefill of the publish form: the question with personal data marked (DOMAIN.md §6.6).

    The sender's own name and address are known, so they are replaced literally (patterns cannot
    catch names); ``minhbach.core.redaction.redact`` then marks IDs, phones and e-mails when that
    module is installed. The officer always confirms (and can extend) the result before publishing.
    """
    text = feedback.text
    for value, mark in (
        (feedback.sender_name, _("[họ tên đã ẩn]")),
        (feedback.sender_address, _("[địa chỉ đã ẩn]")),
    ):
        if value.strip():
            text = text.replace(value.strip(), mark)
    try:
        from minhbach.core.redaction import redact
    except ImportError:
        return text
    return redact(text).text


def device_hash(token: str) -> str:
    return hashlib.sha256(f"feedback-reaction:{token}".encode()).hexdigest()


@transaction.atomic
def feedback_react(
    *, feedback: Feedback, value: str, device_token: str, at: dt.datetime | None = None
) -> FeedbackReaction:
    """Like or dislike a published answer: one per device per item, changeable (§6.5)."""
    if value not in FeedbackReaction.Value.values:
        raise TransitionError(_("Lựa chọn không hợp lệ."))
    if feedback.state != State.PUBLISHED and feedback.published_at is None:
        raise TransitionError(_("Chỉ đánh giá được câu trả lời đã công khai."))
    if not device_token:
        raise TransitionError(_("Không xác định được thiết bị."))
    at = _now(at)
    reaction, created = FeedbackReaction.objects.select_for_update().get_or_create(
        feedback=feedback, device_hash=device_hash(device_token),
        defaults={"value": value, "created_at": at, "updated_at": at},
    )  # fmt: skip
    if not created and reaction.value != value:
        reaction.value, reaction.updated_at = value, at
        reaction.save(update_fields=["value", "updated_at"])
    return reaction


FOLLOW_UP_MAX_LENGTH = 5000
FOLLOW_UPS_PER_DEVICE_PER_DAY = 3


def _phone_ok(phone: str) -> bool:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return 9 <= len(digits) <= 12 and not any(ch.isalpha() for ch in phone)


@transaction.atomic
def feedback_follow_up(
    *,
    feedback: Feedback,
    text: str,
    sender: Sender,
    device_token: str = "",
    at: dt.datetime | None = None,
) -> FeedbackFollowUp:
    """A citizen's follow-up complaint about a published result (DOMAIN.md §6.3, §6.5).

    Identified as a valid PAKN must be (NĐ 20/2008 Điều 7: name, address and phone); the text is
    kept in restricted storage and only its redacted form goes into the history and the ledger
    (NĐ 13/2023/NĐ-CP). The item moves to ``reopened`` through ``feedback_reopen``, which counts it
    as unsatisfied (766 indicator 5.3). At most ``FOLLOW_UPS_PER_DEVICE_PER_DAY`` per device and
    day; and the state table allows one per publication. A refusal writes nothing.
    """
    text = _require(text, _("Vui lòng nhập nội dung phản ánh lại."))
    if len(text) > FOLLOW_UP_MAX_LENGTH:
        raise TransitionError(_("Nội dung quá dài (tối đa %(n)d ký tự).") % {"n": FOLLOW_UP_MAX_LENGTH})
    name = _require(sender.name, _("Vui lòng nhập họ và tên (Nghị định 20/2008/NĐ-CP Điều 7)."))
    address = _require(sender.address, _("Vui lòng nhập địa chỉ (Nghị định 20/2008/NĐ-CP Điều 7)."))
    phone = _require(sender.phone, _("Vui lòng nhập số điện thoại (Nghị định 20/2008/NĐ-CP Điều 7)."))
    if not _phone_ok(phone):
        raise TransitionError(_("Số điện thoại không hợp lệ."))
    at = _now(at)
    digest = device_hash(device_token) if device_token else ""
    if digest:
        recent = FeedbackFollowUp.objects.filter(
            device_hash=digest, received_at__gt=at - dt.timedelta(days=1), received_at__lte=at
        ).count()
        if recent >= FOLLOW_UPS_PER_DEVICE_PER_DAY:
            raise TransitionError(
                _("Thiết bị này đã gửi quá nhiều phản ánh lại trong ngày. Vui lòng thử lại sau.")
            )
    locked = _locked(feedback)
    if locked.state != State.PUBLISHED:
        raise TransitionError(
            _("Phản ánh này đang được xử lý lại; chỉ gửi phản ánh lại được khi đã có câu trả lời công khai.")
        )
    from minhbach.core.redaction import redact

    follow_up = FeedbackFollowUp.objects.create(
        feedback=locked, text=text, sender_name=name, sender_address=address, sender_phone=phone,
        sender_email=(sender.email or "").strip(), received_at=at, device_hash=digest,
    )  # fmt: skip
    note = redact(text).text
    for value, mark in ((name, _("[họ tên đã ẩn]")), (address, _("[địa chỉ đã ẩn]"))):
        note = note.replace(value, mark)
    feedback_reopen(actor=None, feedback=locked, note=note, at=at)
    return follow_up
