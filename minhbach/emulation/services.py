"""Every write of the emulation module: keyword-only, atomic, one ledger entry per change.

A refused write raises ``EmulationError`` (a ``ValidationError`` with a Vietnamese message) and
writes nothing. The evaluation itself is ``evaluation.review_evaluate``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minhbach.core import ledger
from minhbach.emulation import criteria as criteria_file
from minhbach.emulation.models import (
    AnnualRating,
    CriteriaSet,
    Criterion,
    DisciplineCase,
    EmulationGroup,
    GroupMember,
    Initiative,
    ManualValue,
    Movement,
    ParIndexResult,
    RatingLevel,
    RegisteredIndividual,
    Registration,
    RegistrationEvent,
    Review,
    Subject,
    TaskCompletion,
    Verification,
)
from minhbach.emulation.transitions import TRANSITIONS


class EmulationError(ValidationError):
    """A write the rules (or the current state) do not allow."""


def _require(text: str, message: str) -> str:
    if not (text or "").strip():
        raise EmulationError(message)
    return text.strip()


def _unit_code(agency: Any) -> str:
    return getattr(agency, "electronic_code", "") or ""


# --- Criteria sets -------------------------------------------------------------------------------


@transaction.atomic
def criteria_set_load(
    *, actor: Any, content: dict[str, Any], source_path: str = ""
) -> tuple[CriteriaSet, str]:
    """Store a criteria file; idempotent. Returns the set and ``created``, ``unchanged`` or ``updated``.

    A locked set (an evaluation used it) is never changed: the same version with another content is
    refused, so every stored result keeps the exact rules that produced it (DOMAIN.md §0.3).
    """
    header = criteria_file.check(content)
    digest = criteria_file.content_hash(content)
    existing = (
        CriteriaSet.objects.select_for_update().filter(code=header["code"], version=header["version"]).first()
    )
    if existing is not None and existing.content_hash == digest:
        return existing, "unchanged"
    if existing is not None and existing.locked_at is not None:
        raise EmulationError(
            _(
                "Bộ tiêu chí %(code)s phiên bản %(version)s đã được dùng để tính điểm từ %(at)s nên "
                "không thể sửa. Nội dung tệp đã thay đổi: hãy tăng “version” trong tệp và nạp lại "
                "thành phiên bản mới."
            )
            % {
                "code": header["code"],
                "version": header["version"],
                "at": f"{existing.locked_at:%d/%m/%Y %H:%M}",
            }
        )
    if existing is None:
        outcome = "created"
        cset = CriteriaSet(code=header["code"], version=header["version"])
    else:
        outcome = "updated"
        cset = existing
        cset.criteria.all().delete()
    cset.name = header["name"]
    cset.valid_from = header["valid_from"]
    cset.legal_bases = header["legal_bases"]
    cset.settings = header["settings"]
    cset.content = content
    cset.content_hash = digest
    cset.source_path = source_path
    cset.save()
    rows = []
    for subject in Subject.values:
        for position, item in enumerate(content.get(subject) or []):
            rows.append(
                Criterion(
                    criteria_set=cset,
                    subject=subject,
                    code=item["code"],
                    wording=item["wording"],
                    role=item["role"],
                    source=item["source"],
                    comparison=item.get("comparison", ""),
                    threshold=str(item.get("threshold", "")),
                    weight=Decimal(str(item.get("weight", 0))),
                    options=item.get("options") or {},
                    position=position,
                )
            )
    Criterion.objects.bulk_create(rows)
    ledger.record(
        actor=actor,
        action=f"emulation.criteria_set_{outcome}",
        obj=cset,
        payload={"code": cset.code, "version": cset.version, "hash": digest, "criteria": len(rows)},
    )
    return cset, outcome


# --- Movement, reviews, groups -------------------------------------------------------------------


@transaction.atomic
def movement_create(
    *,
    actor: Any,
    name: str,
    launching_agency: Any,
    criteria_set: CriteriaSet,
    period_start: dt.date,
    period_end: dt.date,
    kind: str = Movement.Kind.THEMATIC,
    launch_decision_number: str = "",
    launch_decision_date: dt.date | None = None,
    indicator_set: Any = None,
) -> Movement:
    """Register a movement launched by decision (Luật TĐKT 2022 Điều 8), pinned to a criteria set (§0.3).

    ``indicator_set`` pins the indicator definitions too (§9.6); by default the set in force at the
    end of the movement's period.
    """
    name = _require(name, _("Vui lòng nhập tên phong trào."))
    if period_end < period_start:
        raise EmulationError(_("Ngày kết thúc phong trào phải sau ngày bắt đầu."))
    if kind not in Movement.Kind.values:
        raise EmulationError(_("Loại hình thi đua không hợp lệ."))
    if indicator_set is None:
        from minhbach.indicators.compute import current_set
        from minhbach.indicators.models import IndicatorSet

        try:
            indicator_set = current_set(period_end)
        except IndicatorSet.DoesNotExist:
            indicator_set = None
    movement = Movement.objects.create(
        name=name,
        launching_agency=launching_agency,
        criteria_set=criteria_set,
        indicator_set=indicator_set,
        period_start=period_start,
        period_end=period_end,
        kind=kind,
        launch_decision_number=launch_decision_number.strip(),
        launch_decision_date=launch_decision_date,
    )
    ledger.record(
        actor=actor,
        action="emulation.movement_create",
        obj=movement,
        unit_code=_unit_code(launching_agency),
        payload={
            "name": name,
            "criteria_set": f"{criteria_set.code} v{criteria_set.version}",
            "period": [period_start, period_end],
            "kind": kind,
        },
    )
    return movement


@transaction.atomic
def review_create(
    *,
    actor: Any,
    movement: Movement,
    kind: str,
    data_from: dt.date | None = None,
    data_to: dt.date | None = None,
) -> Review:
    """Open a sơ kết or tổng kết (§10.4); the window defaults to the movement's period and must lie in it."""
    if kind not in Review.Kind.values:
        raise EmulationError(_("Loại đợt đánh giá không hợp lệ."))
    data_from = data_from or movement.period_start
    data_to = data_to or movement.period_end
    if data_to < data_from:
        raise EmulationError(_("Ngày cuối của kỳ số liệu phải sau ngày đầu."))
    if data_from < movement.period_start or data_to > movement.period_end:
        raise EmulationError(_("Kỳ số liệu phải nằm trong thời gian của phong trào."))
    if Review.objects.filter(movement=movement, kind=kind).exists():
        raise EmulationError(_("Phong trào đã có đợt %(kind)s.") % {"kind": Review.Kind(kind).label})
    review = Review.objects.create(movement=movement, kind=kind, data_from=data_from, data_to=data_to)
    ledger.record(
        actor=actor,
        action="emulation.review_create",
        obj=review,
        payload={"movement": movement.pk, "kind": kind, "window": [data_from, data_to]},
    )
    return review


@transaction.atomic
def group_create(
    *,
    actor: Any,
    movement: Movement,
    code: str,
    name: str,
    members: list[Any],
    head_unit: Any = None,
    deputy_unit: Any = None,
    quota_collective: int | None = None,
    quota_individual: int | None = None,
) -> EmulationGroup:
    """A cụm/khối with its members; quotas default to the criteria set's (the plan's rule, §10.2)."""
    code = _require(code, _("Vui lòng nhập mã cụm, khối."))
    name = _require(name, _("Vui lòng nhập tên cụm, khối."))
    settings = movement.criteria_set.settings
    if EmulationGroup.objects.filter(movement=movement, code=code).exists():
        raise EmulationError(_("Mã cụm, khối “%(code)s” đã có trong phong trào.") % {"code": code})
    taken = GroupMember.objects.filter(group__movement=movement, agency__in=members).select_related("agency")
    if taken:
        raise EmulationError(
            _("Đơn vị đã thuộc cụm, khối khác: %(names)s.")
            % {"names": ", ".join(m.agency.name for m in taken)}
        )
    group = EmulationGroup.objects.create(
        movement=movement,
        code=code,
        name=name,
        head_unit=head_unit,
        deputy_unit=deputy_unit,
        quota_collective=quota_collective
        if quota_collective is not None
        else settings.get("quota_collective", 2),
        quota_individual=quota_individual
        if quota_individual is not None
        else settings.get("quota_individual", 3),
    )
    GroupMember.objects.bulk_create([GroupMember(group=group, agency=a) for a in members])
    ledger.record(
        actor=actor,
        action="emulation.group_create",
        obj=group,
        payload={
            "movement": movement.pk,
            "code": code,
            "members": sorted(a.pk for a in members),
            "quota": [group.quota_collective, group.quota_individual],
        },
    )
    return group


# --- Registration (§10.3) ------------------------------------------------------------------------


@transaction.atomic
def registration_create(
    *,
    actor: Any,
    movement: Movement,
    agency: Any,
    pledges: str = "",
    targets: dict[str, Any] | None = None,
    officials: list[Any] | None = None,
) -> Registration:
    if Registration.objects.filter(movement=movement, agency=agency).exists():
        raise EmulationError(_("Đơn vị đã đăng ký thi đua trong phong trào này."))
    registration = Registration.objects.create(
        movement=movement, agency=agency, pledges=pledges.strip(), targets=targets or {}
    )
    RegisteredIndividual.objects.bulk_create(
        [RegisteredIndividual(registration=registration, official=o) for o in officials or []]
    )
    RegistrationEvent.objects.create(
        registration=registration,
        action="create",
        from_state="",
        to_state=registration.state,
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
    )
    ledger.record(
        actor=actor,
        action="emulation.registration_create",
        obj=registration,
        unit_code=_unit_code(agency),
        payload={
            "movement": movement.pk,
            "agency": agency.pk,
            "officials": sorted(o.pk for o in officials or []),
        },
    )
    return registration


def _registration_move(
    *, actor: Any, registration: Registration, action: str, note: str = ""
) -> Registration:
    fresh = Registration.objects.select_for_update().select_related("agency").get(pk=registration.pk)
    transition = TRANSITIONS[action]
    if fresh.state not in transition.sources:
        raise EmulationError(
            _("Không thể thực hiện thao tác này khi đăng ký đang ở trạng thái “%(state)s”.")
            % {"state": fresh.get_state_display()}
        )
    previous = fresh.state
    fresh.state = transition.target
    fresh.lock_version += 1
    fresh.save(update_fields=["state", "lock_version"])
    RegistrationEvent.objects.create(
        registration=fresh,
        action=action,
        from_state=previous,
        to_state=fresh.state,
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        note=note,
    )
    ledger.record(
        actor=actor,
        action=f"emulation.registration_{action}",
        obj=fresh,
        unit_code=_unit_code(fresh.agency),
        payload={"from": previous, "to": fresh.state, "note": note},
    )
    return fresh


@transaction.atomic
def registration_submit(*, actor: Any, registration: Registration) -> Registration:
    return _registration_move(actor=actor, registration=registration, action="submit")


@transaction.atomic
def registration_approve(*, actor: Any, registration: Registration) -> Registration:
    return _registration_move(actor=actor, registration=registration, action="approve")


@transaction.atomic
def registration_return(*, actor: Any, registration: Registration, note: str) -> Registration:
    note = _require(note, _("Vui lòng nêu nội dung cần hoàn thiện khi trả lại đăng ký."))
    return _registration_move(actor=actor, registration=registration, action="return", note=note)


def _author(actor: Any) -> Any:
    """The user who entered a register row, or None for a system actor (issue #7: who entered it)."""
    return actor if getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False) else None


# --- Evidence registers --------------------------------------------------------------------------


@transaction.atomic
def initiative_create(
    *,
    actor: Any,
    title: str,
    agency: Any,
    kind: str,
    authors: list[Any] | None = None,
    recognition_number: str = "",
    recognition_date: dt.date | None = None,
    recognition_issuer: str = "",
    recognition_level: str = "",
    effect: str = "",
    attachment: Any = None,
) -> Initiative:
    """Register a sáng kiến, mô hình, giải pháp (§10.6); unrecognised, it counts for neither K7 nor P3."""
    title = _require(title, _("Vui lòng nhập tên sáng kiến, mô hình."))
    if kind not in Initiative.Kind.values:
        raise EmulationError(_("Loại sáng kiến không hợp lệ."))
    if bool(recognition_number.strip()) != bool(recognition_date):
        raise EmulationError(_("Quyết định công nhận cần cả số và ngày quyết định."))
    if recognition_level and recognition_level not in Initiative.Level.values:
        raise EmulationError(_("Cấp công nhận không hợp lệ."))
    initiative = Initiative(
        title=title,
        agency=agency,
        kind=kind,
        recognition_number=recognition_number.strip(),
        recognition_date=recognition_date,
        recognition_issuer=recognition_issuer.strip(),
        recognition_level=recognition_level,
        effect=effect.strip(),
        entered_by=_author(actor),
    )
    if attachment:
        initiative.attachment = attachment
    initiative.save()
    if authors:
        initiative.authors.set(authors)
    ledger.record(
        actor=actor,
        action="emulation.initiative_create",
        obj=initiative,
        unit_code=_unit_code(agency),
        payload={
            "title": title,
            "kind": kind,
            "recognition": [recognition_number, recognition_date],
            "authors": sorted(a.pk for a in authors or []),
        },
    )
    return initiative


@transaction.atomic
def task_completion_record(
    *,
    actor: Any,
    agency: Any,
    year: int,
    task: str,
    result: str,
    decided_by: str,
    decided_on: dt.date,
    official: Any = None,
    attachment: Any = None,
) -> TaskCompletion:
    """Enter a task-completion record (evidence register, §10.15), with who entered it."""
    task = _require(task, _("Vui lòng nhập nhiệm vụ được giao."))
    decided_by = _require(decided_by, _("Vui lòng nhập cơ quan đánh giá kết quả thực hiện nhiệm vụ."))
    if result not in TaskCompletion.Result.values:
        raise EmulationError(_("Kết quả thực hiện nhiệm vụ không hợp lệ."))
    if decided_on.year < year:
        raise EmulationError(_("Ngày đánh giá không thể trước năm thực hiện nhiệm vụ."))
    record = TaskCompletion(
        agency=agency, official=official, year=year, task=task, result=result, decided_by=decided_by,
        decided_on=decided_on, entered_by=_author(actor),
    )  # fmt: skip
    if attachment:
        record.attachment = attachment
    record.save()
    ledger.record(
        actor=actor,
        action="emulation.task_completion_record",
        obj=record,
        payload={
            "agency": agency.pk,
            "official": getattr(official, "pk", None),
            "year": year,
            "result": result,
        },
    )
    return record


@transaction.atomic
def annual_rating_record(
    *,
    actor: Any,
    official: Any,
    year: int,
    level: str,
    decided_on: dt.date,
    decided_by: str,
    basis: str = "",
    attachment: Any = None,
) -> AnnualRating:
    """Enter an official's annual rating (NĐ 90/2020, NĐ 48/2023; §10.7). One per year; D6 waits for it."""
    if level not in RatingLevel.values:
        raise EmulationError(_("Mức xếp loại không hợp lệ."))
    decided_by = _require(decided_by, _("Vui lòng nhập cấp có thẩm quyền đánh giá, xếp loại."))
    if AnnualRating.objects.filter(official=official, year=year).exists():
        raise EmulationError(_("Cán bộ này đã có kết quả xếp loại năm %(year)s.") % {"year": year})
    if decided_on.year < year:
        raise EmulationError(_("Ngày quyết định xếp loại không thể trước năm được đánh giá."))
    rating = AnnualRating(
        official=official,
        year=year,
        level=level,
        decided_on=decided_on,
        decided_by=decided_by,
        basis=basis.strip(),
        entered_by=_author(actor),
    )
    if attachment:
        rating.attachment = attachment
    rating.save()
    ledger.record(
        actor=actor,
        action="emulation.annual_rating_record",
        obj=rating,
        payload={"official": official.pk, "year": year, "level": level, "decided_on": decided_on},
    )
    return rating


@transaction.atomic
def discipline_case_record(
    *,
    actor: Any,
    official: Any,
    agency: Any,
    status: str,
    form: str = "",
    decision_number: str = "",
    decided_on: dt.date | None = None,
    effective_from: dt.date | None = None,
    effective_to: dt.date | None = None,
    attachment: Any = None,
) -> DisciplineCase:
    """Record a case under consideration or a decided discipline (NĐ 112/2020; NĐ 98/2023 Điều 4; §10.8).

    A decided case needs its form and decision date; its effective window starts on the decision
    date unless stated, because achievements count only from the end of the disciplinary period.
    """
    if status not in DisciplineCase.Status.values:
        raise EmulationError(_("Tình trạng vụ việc kỷ luật không hợp lệ."))
    if form and form not in DisciplineCase.Form.values:
        raise EmulationError(_("Hình thức kỷ luật không hợp lệ."))
    if status != DisciplineCase.Status.UNDER_CONSIDERATION:
        if not form or not decided_on:
            raise EmulationError(_("Quyết định kỷ luật cần hình thức kỷ luật và ngày quyết định."))
        effective_from = effective_from or decided_on
    if effective_from and effective_to and effective_to < effective_from:
        raise EmulationError(_("Ngày hết hiệu lực kỷ luật phải sau ngày bắt đầu."))
    case = DisciplineCase(
        official=official,
        agency=agency,
        status=status,
        form=form,
        decision_number=decision_number.strip(),
        decided_on=decided_on,
        effective_from=effective_from,
        effective_to=effective_to,
        entered_by=_author(actor),
    )
    if attachment:
        case.attachment = attachment
    case.save()
    ledger.record(
        actor=actor,
        action="emulation.discipline_case_record",
        obj=case,
        unit_code=_unit_code(agency),
        payload={
            "official": official.pk,
            "status": status,
            "form": form,
            "decided_on": decided_on,
            "window": [effective_from, effective_to],
        },
    )
    return case


@transaction.atomic
def verification_open(
    *,
    actor: Any,
    kind: str,
    opened_on: dt.date,
    official: Any = None,
    agency: Any = None,
    note: str = "",
    attachment: Any = None,
) -> Verification:
    """An inspection or verification that blocks awards while open (NĐ 98/2023 Điều 4; §10.8)."""
    if kind not in Verification.Kind.values:
        raise EmulationError(_("Loại thanh tra, kiểm tra, xác minh không hợp lệ."))
    if (official is None) == (agency is None):
        raise EmulationError(_("Chọn đúng một đối tượng: một cán bộ hoặc một đơn vị."))
    verification = Verification(
        kind=kind,
        opened_on=opened_on,
        official=official,
        agency=agency,
        note=note.strip(),
        entered_by=_author(actor),
    )
    if attachment:
        verification.attachment = attachment
    verification.save()
    ledger.record(
        actor=actor,
        action="emulation.verification_open",
        obj=verification,
        unit_code=_unit_code(agency),
        payload={
            "kind": kind,
            "opened_on": opened_on,
            "official": getattr(official, "pk", None),
            "agency": getattr(agency, "pk", None),
        },
    )
    return verification


@transaction.atomic
def verification_close(
    *, actor: Any, verification: Verification, closed_on: dt.date, outcome: str
) -> Verification:
    if outcome not in (Verification.Outcome.CLEARED, Verification.Outcome.VIOLATION):
        raise EmulationError(_("Kết luận không hợp lệ."))
    fresh = Verification.objects.select_for_update().get(pk=verification.pk)
    if fresh.closed_on is not None:
        raise EmulationError(_("Việc thanh tra, xác minh này đã có kết luận."))
    if closed_on < fresh.opened_on:
        raise EmulationError(_("Ngày kết luận phải sau ngày bắt đầu."))
    fresh.closed_on, fresh.outcome = closed_on, outcome
    fresh.save(update_fields=["closed_on", "outcome"])
    ledger.record(
        actor=actor,
        action="emulation.verification_close",
        obj=fresh,
        payload={"closed_on": closed_on, "outcome": outcome},
    )
    return fresh


@transaction.atomic
def par_index_record(
    *, actor: Any, agency: Any, year: int, value: Decimal, source: str, attachment: Any = None
) -> ParIndexResult:
    """Enter a unit's published PAR index (chỉ số cải cách hành chính) for a year, with its source."""
    source = _require(source, _("Vui lòng nêu nguồn công bố chỉ số."))
    if ParIndexResult.objects.filter(agency=agency, year=year).exists():
        raise EmulationError(_("Đơn vị đã có chỉ số cải cách hành chính năm %(year)s.") % {"year": year})
    row = ParIndexResult(agency=agency, year=year, value=value, source=source, entered_by=_author(actor))
    if attachment:
        row.attachment = attachment
    row.save()
    ledger.record(
        actor=actor,
        action="emulation.par_index_record",
        obj=row,
        unit_code=_unit_code(agency),
        payload={"year": year, "value": value, "source": source},
    )
    return row


@transaction.atomic
def manual_value_enter(
    *,
    actor: Any,
    review: Review,
    criterion_code: str,
    value: Any,
    reason: str,
    agency: Any = None,
    official: Any = None,
) -> ManualValue:
    """Override a computed value (§10.15): reason required; the computed value is kept beside it."""
    reason = _require(reason, _("Vui lòng nêu lý do điều chỉnh giá trị."))
    if (official is None) == (agency is None):
        raise EmulationError(_("Chọn đúng một đối tượng: một đơn vị hoặc một cán bộ."))
    subject = Subject.INDIVIDUAL if official is not None else Subject.COLLECTIVE
    if not Criterion.objects.filter(
        criteria_set=review.movement.criteria_set_id, subject=subject, code=criterion_code
    ).exists():
        raise EmulationError(_("Không có tiêu chí “%(code)s” trong bộ tiêu chí.") % {"code": criterion_code})
    try:
        value = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise EmulationError(_("Giá trị điều chỉnh phải là số.")) from exc
    row = ManualValue.objects.create(
        review=review,
        agency=agency,
        official=official,
        criterion_code=criterion_code,
        value=value,
        reason=reason,
        entered_by=actor if getattr(actor, "pk", None) else None,
        entered_at=timezone.now(),
    )
    ledger.record(
        actor=actor,
        action="emulation.manual_value_enter",
        obj=row,
        payload={
            "review": review.pk,
            "criterion": criterion_code,
            "value": value,
            "reason": reason,
            "agency": getattr(agency, "pk", None),
            "official": getattr(official, "pk", None),
        },
    )
    return row
